// The server process: config → migrations → services → listen; clean shutdown on
// SIGTERM/SIGINT. `--help` lists the variables it reads (from the schema in config.ts).
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, configHelp, loadConfig } from './config.js';
import { createLogger } from './log.js';

const USAGE = `Usage: node dist/server/main.js   (npm start)

The chat server. Configured by environment variables (a .env file in the working
directory is read too; the real environment wins):

`;

// Prisma's query compiler is WebAssembly. V8 compiles it with its baseline tier
// (Liftoff), then again with TurboFan on background threads for the functions that get
// hot, and glibc keeps those threads' compile memory: about 12 MB of idle RSS. The
// compiler runs only when a query's shape misses Prisma's plan cache, so the second tier
// buys nothing here. Set before any WebAssembly is compiled (`npm run bench -- --footprint`
// measures it; README "In production").
setFlagsFromString('--liftoff-only');

async function main() {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${USAGE}${configHelp()}\n`);
    return;
  }
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  // Loaded after the config is known good, so a bad setting is reported at once. Pending
  // migrations are applied on a worker thread (db/migrate.ts) while this one loads the rest.
  const { migrate } = await import('./db/migrate.js');
  const migrated = migrate(config.DATABASE_URL, (msg) => log.info({ name: 'migrate' }, msg));
  migrated.catch(() => {}); // awaited below, once the modules are in
  const [{ providerOf }, { createServices }, { createApp }] = await Promise.all([
    import('./db/url.js'),
    import('./services.js'),
    import('./app.js'),
  ]);
  const { applied } = await migrated;
  const services = await createServices(config, log);
  if (!(await services.pubsub.ready(5000))) {
    log.warn('redis is not reachable yet: starting anyway (fan-out resumes and rate limits move to Redis once it is)');
  }
  const app = createApp(services);

  await new Promise<void>((resolve) => {
    // First in line: the WebSocket server re-emits the HTTP server's errors and would
    // turn a taken port into a stack trace. A start-up failure is one line and exit 1.
    app.server.prependOnceListener('error', (err: NodeJS.ErrnoException) => {
      const where = `${config.HOST}:${config.PORT}`;
      if (err.code === 'EADDRINUSE') console.error(`Port ${config.PORT} is already in use (${where}): stop the other process or set PORT to another port.`);
      else if (err.code === 'EACCES') console.error(`Not allowed to listen on ${where}: set PORT to a port above 1023 or HOST to another interface.`);
      else console.error(`Cannot listen on ${where}: ${err.message}`);
      process.exit(1);
    });
    app.server.listen(config.PORT, config.HOST, resolve);
  });
  const { port, address } = app.server.address() as AddressInfo;
  log.info(
    {
      url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
      port,
      database: providerOf(config.DATABASE_URL),
      migrationsApplied: applied.length,
      pubsub: services.pubsub.kind === 'redis' ? 'redis (fan-out across processes)' : 'in-process (single server)',
    },
    'listening',
  );
  // Accounts stored before usernames were keyed by their look-alike skeleton move to the
  // new key, in the background (idempotent; one read per 500 accounts when none need it).
  void services.accounts.rekeyUsernames().then(
    (moved) => moved > 0 && log.info({ moved }, 'usernames moved to their current key'),
    (err) => log.warn({ err }, 'moving usernames to their current key failed; sign-in still finds them'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown took too long, exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS);
    force.unref();
    await app.close();
    await services.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
