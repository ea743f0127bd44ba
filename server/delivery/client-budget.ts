// What one client address may hold of the server's memory while it is sent events, so
// that no number of slow or never-reading sockets and streams from one address can
// grow the heap without bound:
// - replays: at most `replaysAtOnce` subscriptions of one address read history at a time
//   (each holds one page in memory while its reader takes it); the others wait their turn;
// - buffered bytes: frames queued on that address's sockets beyond what they have taken,
//   added up over its sockets that are behind; past `bufferedBytes` the socket that is
//   written to is dropped from the stream (it resumes with `after`).
// Entries for addresses with nothing held are forgotten.

/** A socket is "behind" once this much is queued on it (below: not worth counting). */
export const BEHIND_BYTES = 64 * 1024;

export interface ClientBudgetLimits {
  replaysAtOnce: number;
  bufferedBytes: number;
}

interface Buffered {
  readonly bufferedAmount: number;
}

interface Entry {
  replaying: number;
  waiting: (() => void)[];
  behind: Set<Buffered>;
}

export class ClientBudgets {
  private readonly clients = new Map<string, Entry>();

  constructor(readonly limits: ClientBudgetLimits) {}

  private entry(client: string): Entry {
    let entry = this.clients.get(client);
    if (!entry) this.clients.set(client, (entry = { replaying: 0, waiting: [], behind: new Set() }));
    return entry;
  }

  private forgetIfIdle(client: string, entry: Entry) {
    if (entry.replaying === 0 && entry.waiting.length === 0 && entry.behind.size === 0) this.clients.delete(client);
  }

  /** Waits for one of the address's replay slots; call the function it gives to free it. */
  async replaySlot(client: string): Promise<() => void> {
    const entry = this.entry(client);
    if (entry.replaying >= this.limits.replaysAtOnce) {
      await new Promise<void>((resolve) => entry.waiting.push(resolve));
    } else {
      entry.replaying++;
    }
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      const next = entry.waiting.shift();
      if (next) next(); // the slot passes straight on
      else {
        entry.replaying--;
        this.forgetIfIdle(client, entry);
      }
    };
  }

  /**
   * Whether the address has more queued on its sockets than it may: call it before
   * writing to a socket. A socket with little queued costs one comparison.
   */
  overBudget(client: string, socket: Buffered): boolean {
    if (socket.bufferedAmount < BEHIND_BYTES) {
      const entry = this.clients.get(client);
      if (entry?.behind.delete(socket)) this.forgetIfIdle(client, entry);
      return false;
    }
    const entry = this.entry(client);
    entry.behind.add(socket);
    let total = 0;
    for (const s of entry.behind) total += s.bufferedAmount;
    return total > this.limits.bufferedBytes;
  }

  /** The socket is gone: its queued bytes no longer count. */
  release(client: string, socket: Buffered) {
    const entry = this.clients.get(client);
    if (entry?.behind.delete(socket)) this.forgetIfIdle(client, entry);
  }

  /** Addresses currently holding something (for tests and metrics). */
  get size() {
    return this.clients.size;
  }
}
