// The migration worker thread (started by migrate.ts when a migration is pending): applies
// the pending migrations with the schema engine and reports its log lines and the names
// applied. When it ends, the engine's memory goes with the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { applyPending, type WorkerMessage } from './migrate.js';

const port = parentPort!;
const { url } = workerData as { url: string };
const send = (m: WorkerMessage) => port.postMessage(m);
send({ applied: await applyPending(url, (line) => send({ log: line })) });
