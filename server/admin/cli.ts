// The admin command line, like Django's createsuperuser:
//   npm run admin -- create <username> --password-stdin   create an admin (password on stdin)
//   npm run admin -- promote|demote|disable|enable <username>
// Same configuration as the server (DATABASE_URL, REDIS_URL… from the environment or .env,
// server/config.ts), SQLite or PostgreSQL; pending migrations are applied first, as the
// server does. Accounts follow the server's rules (auth/accounts.ts, auth/admin.ts): the
// same username and password checks, the last enabled admin cannot be demoted or
// disabled, every change is in the moderation log (actor: the command line), and with
// REDIS_URL running servers close a disabled user's connections at once.
// Errors are one line on stderr, exit code 1 (2 for a usage error, 78 for bad config).
import { ConfigError, loadConfig, type Config } from '../config.js';
import { Redis } from 'ioredis';

const USAGE = `usage: npm run admin -- create <username> --password-stdin
       npm run admin -- promote|demote|disable|enable <username>`;

class UsageError extends Error {}

/** The account services only (not the whole server's: nothing else is needed, and it starts faster). */
async function accountServices(config: Config) {
  const [{ createDb }, { createLogger }, { Sessions }, { Accounts }, { Admin }, { createAccountEvents }, { RateLimits }] =
    await Promise.all([
      import('../db/client.js'),
      import('../log.js'),
      import('../auth/sessions.js'),
      import('../auth/accounts.js'),
      import('../auth/admin.js'),
      import('../auth/account-events.js'),
      import('../limits/rate-limits.js'),
    ]);
  // Only warnings: the command's own answer is its one line on stdout.
  const log = createLogger(config.LOG_LEVEL === 'silent' ? 'silent' : 'warn');
  const db = await createDb(config.DATABASE_URL);
  // With REDIS_URL, running servers hear of the change (and close a disabled user's connections).
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true }) : undefined;
  const events = createAccountEvents({ redisUrl: config.REDIS_URL, prefix: config.REDIS_PREFIX, log, publisher: redis });
  return {
    accounts: new Accounts(db, new Sessions(db, config.SESSION_DAYS), new RateLimits(config)),
    admin: new Admin(db, events),
    async close() {
      await events.close();
      redis?.disconnect();
      await db.$disconnect();
    },
  };
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from a pipe, e.g. `printf %s "$PASSWORD" | npm run admin -- create alice --password-stdin`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing line break (echo, a file) is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

async function run(argv: string[]): Promise<string> {
  const [command, username, ...rest] = argv;
  const commands = ['create', 'promote', 'demote', 'disable', 'enable'];
  if (!command || !commands.includes(command) || !username || username.startsWith('-')) throw new UsageError(USAGE);
  const passwordStdin = rest.includes('--password-stdin');
  const unknown = rest.filter((a) => a !== '--password-stdin');
  if (unknown.length || (command === 'create') !== passwordStdin) throw new UsageError(USAGE);
  const password = passwordStdin ? await readStdin() : '';

  const config = await loadConfig();
  const { migrate } = await import('../db/migrate.js');
  await migrate(config.DATABASE_URL);
  const { accounts, admin, close } = await accountServices(config);
  try {
    if (command === 'create') {
      const user = await accounts.create(username, password, 'admin');
      return `created admin ${user.username} (id ${user.id})`;
    }
    const found = await accounts.find(username);
    if (!found) throw new CliError(`no user named "${username}"`);
    if (command === 'promote' || command === 'demote') {
      const user = await admin.setRole(null, found.id, command === 'promote' ? 'admin' : 'user');
      return `${user.username} is ${user.role === 'admin' ? 'an admin' : 'a user'}`;
    }
    const user = await admin.setDisabled(null, found.id, command === 'disable');
    return `${user.username} is ${user.disabledAt ? 'disabled' : 'enabled'}`;
  } finally {
    await close();
  }
}

class CliError extends Error {}

run(process.argv.slice(2)).then(
  (line) => {
    console.log(line);
    process.exit(0);
  },
  async (err: unknown) => {
    const { AppError } = await import('../errors.js');
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    const known = err instanceof AppError || err instanceof CliError;
    const message = err instanceof Error ? err.message : String(err);
    console.error(`error: ${known ? message : `unexpected: ${message.split('\n')[0]}`}`);
    process.exit(1);
  },
);
