// The composition root: builds every service once for a process, from its config.
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { createDb, type Db } from './db/client.js';
import { createBus, type Bus } from './delivery/bus.js';
import { ClientBudgets } from './delivery/client-budget.js';
import { MESSAGE_DATES } from './chat/message.js';
import type { StoredEvent } from './chat/events.js';
import { Publisher } from './chat/publisher.js';
import { Membership, type ViewerChange } from './chat/membership.js';
import { createUserChannels } from './delivery/user-channels.js';
import { ChatService } from './chat/service.js';
import { ChatStore } from './chat/store.js';
import { providerOf } from './db/url.js';
import { Sessions } from './auth/sessions.js';
import { Accounts } from './auth/accounts.js';
import { Credentials } from './auth/credentials.js';
import { ApiTokens } from './auth/api-tokens.js';
import { Admin } from './auth/admin.js';
import { createAccountEvents, type AccountEvents } from './auth/account-events.js';
import { UserConnections } from './auth/user-connections.js';
import { Origins } from './http/origins.js';
import { RateLimits } from './limits/rate-limits.js';
import { PerAddressCap } from './limits/connections.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface Services {
  config: Config;
  log: Logger;
  db: Db;
  pubsub: Bus<StoredEvent>;
  /** Memberships, and so who sees which room. */
  membership: Membership;
  budgets: ClientBudgets;
  chat: ChatService;
  /** Every read and write of rooms and messages. */
  store: ChatStore;
  accounts: Accounts;
  credentials: Credentials;
  apiTokens: ApiTokens;
  admin: Admin;
  /** Account changes (disabled, role), across processes. */
  accountEvents: AccountEvents;
  /** Open WebSockets and event streams per signed-in user, told of their account's changes. */
  userConnections: UserConnections;
  origins: Origins;
  limits: RateLimits;
  /** Open WebSockets and event streams per client address. */
  connections: PerAddressCap;
  /** Other HTTP requests in flight (answer not yet taken) per client address. */
  requestsInFlight: PerAddressCap;
  metrics: Metrics;
}

export async function createServices(config: Config, log: Logger): Promise<Services & { close(): Promise<void> }> {
  const db = await createDb(config.DATABASE_URL);
  const pubsub = createBus<StoredEvent>({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    log: log.child({ name: 'bus' }),
    // Dates cross Redis as ISO strings; turn them back into Dates on arrival.
    revive: (key, value) => (MESSAGE_DATES.has(key) && typeof value === 'string' ? new Date(value) : value),
  });
  const budgets = new ClientBudgets({
    replaysAtOnce: config.REPLAYS_PER_IP,
    bufferedBytes: config.MAX_BUFFERED_BYTES_PER_IP,
  });
  const limits = new RateLimits(config, pubsub.redis);
  const metrics = createMetrics();
  const store = new ChatStore(db, providerOf(config.DATABASE_URL));
  const sessions = new Sessions(db, config.SESSION_DAYS);
  const accounts = new Accounts(db, sessions, limits);
  const chatLog = log.child({ name: 'chat' });
  // A room whose publish failed reads what it stored from the database (the chat service's feeds).
  const publisher = new Publisher(pubsub, chatLog, (room) => chat.catchUp(room));
  const userChannels = createUserChannels<ViewerChange>({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    log: log.child({ name: 'users' }),
    publisher: pubsub.redis,
  });
  const membership = new Membership(store, publisher, userChannels, (username) => accounts.find(username), limits);
  const chat: ChatService = new ChatService(store, pubsub, publisher, membership, limits, metrics, {
    maxMessageLength: config.MAX_MESSAGE_LENGTH,
    log: chatLog,
    budgets,
    maxReplayEvents: config.MAX_REPLAY_EVENTS,
    findUsers: (keys) => db.user.findMany({ where: { usernameKey: { in: keys } }, select: { id: true, username: true, role: true } }),
  });
  const apiTokens = new ApiTokens(db);
  const accountEvents = createAccountEvents({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    log: log.child({ name: 'accounts' }),
    publisher: pubsub.redis,
  });
  const userConnections = new UserConnections();
  accountEvents.subscribe((change) => userConnections.changed(change));
  // Changes published while this process's Redis connection was down never arrived: read
  // the state of every account with open connections here and act on it.
  accountEvents.onReconnect(() => {
    accounts.states(userConnections.users()).then(
      (states) => states.forEach((state) => userConnections.changed(state)),
      (err) => log.warn({ err }, 'reading account states after a Redis outage failed'),
    );
  });
  return {
    config,
    log,
    db,
    pubsub,
    budgets,
    chat,
    store,
    membership,
    accounts,
    apiTokens,
    admin: new Admin(db, accountEvents),
    accountEvents,
    userConnections,
    credentials: new Credentials(sessions, apiTokens, accounts),
    origins: new Origins(config.ALLOWED_ORIGINS, config.TRUST_PROXY),
    limits,
    connections: new PerAddressCap(config.MAX_CONNECTIONS_PER_IP),
    requestsInFlight: new PerAddressCap(config.MAX_REQUESTS_IN_FLIGHT_PER_IP),
    metrics,
    async close() {
      await accountEvents.close();
      await userChannels.close();
      await pubsub.close();
      await db.$disconnect();
    },
  };
}
