// The server process: config → migrations → services → listen; clean shutdown on
// SIGTERM/SIGINT.
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './log.js';
import { migrate } from './db/migrate.js';
import { providerOf } from './db/client.js';
import { createServices } from './services.js';
import { createApp } from './app.js';

async function main() {
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

  const { applied } = await migrate(config.DATABASE_URL, (msg) => log.info({ name: 'migrate' }, msg));
  const services = await createServices(config, log);
  const app = createApp(services);

  await new Promise<void>((resolve, reject) => {
    app.server.once('error', reject);
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

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      log.error('shutdown took longer than 10 s, exiting');
      process.exit(1);
    }, 10_000);
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
