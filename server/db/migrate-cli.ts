// `npm run db:migrate` (node dist/server/db/migrate-cli.js): applies pending migrations to
// the database the server would use, read from the same configuration (server/config.ts:
// environment, then .env), and exits. The server does the same at every start.
import { ConfigError, loadConfig } from '../config.js';
import { migrate } from './migrate.js';

let url: string;
try {
  url = (await loadConfig()).DATABASE_URL;
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(e instanceof ConfigError ? 78 : 1);
}
const started = performance.now();
try {
  const { applied } = await migrate(url, (m) => console.log(m));
  const ms = Math.round(performance.now() - started);
  console.log(applied.length ? `${applied.length} migration(s) applied in ${ms} ms` : `database is up to date (${ms} ms)`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
}
