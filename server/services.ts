// The composition root: builds every service once for a process, from its config.
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createDb, type Db } from './db/client.js';
import { createPubSub, type ChatPubSub } from './pubsub/index.js';
import { ChatService } from './chat/service.js';
import { ChatStore } from './chat/store.js';
import { providerOf } from './db/url.js';
import { Sessions } from './auth/sessions.js';
import { Accounts } from './auth/accounts.js';
import { Credentials } from './auth/credentials.js';
import { ApiTokens } from './auth/api-tokens.js';
import { Origins } from './http/origins.js';
import { RateLimits } from './limits/rate-limits.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  pubsub: ChatPubSub;
  chat: ChatService;
  /** Every read and write of rooms and messages. */
  store: ChatStore;
  accounts: Accounts;
  credentials: Credentials;
  apiTokens: ApiTokens;
  origins: Origins;
  limits: RateLimits;
  metrics: Metrics;
}

export async function createServices(config: Config, log: Logger): Promise<Services & { close(): Promise<void> }> {
  const db = await createDb(config.DATABASE_URL);
  const pubsub = createPubSub(config.REDIS_URL, config.REDIS_PREFIX, log.child({ name: 'pubsub' }));
  const limits = new RateLimits(config, pubsub.redis);
  const metrics = createMetrics();
  const store = new ChatStore(db, providerOf(config.DATABASE_URL));
  const chat = new ChatService(store, pubsub, limits, metrics, {
    maxMessageLength: config.MAX_MESSAGE_LENGTH,
    log: log.child({ name: 'chat' }),
  });
  const sessions = new Sessions(db, config.SESSION_DAYS);
  const accounts = new Accounts(db, sessions, limits);
  const apiTokens = new ApiTokens(db);
  return {
    config,
    log,
    db,
    pubsub,
    chat,
    store,
    accounts,
    apiTokens,
    credentials: new Credentials(sessions, apiTokens, accounts),
    origins: new Origins(config.ALLOWED_ORIGINS, config.TRUST_PROXY),
    limits,
    metrics,
    async close() {
      await pubsub.close();
      await db.$disconnect();
    },
  };
}
