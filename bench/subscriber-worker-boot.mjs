// Entry point of a subscriber worker thread: worker_threads on Node 20 don't inherit
// tsx's loader from the parent, so register it here, then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./subscriber-worker.ts');
