// The open connections (WebSockets, event streams) of each signed-in user on this process,
// so that an account change reaches them: a disabled user's connections end at once
// (graphql/ws.ts closes sockets with 4403, graphql/account-streams.ts ends event streams).
import type { AccountChange } from './account-events.js';

type OnChange = (change: AccountChange) => void;

export class UserConnections {
  private readonly byUser = new Map<string, Set<OnChange>>();

  /** Calls `onChange` for each change of the user's account until the returned function is called. */
  add(userId: string, onChange: OnChange): () => void {
    let set = this.byUser.get(userId);
    if (!set) this.byUser.set(userId, (set = new Set()));
    set.add(onChange);
    return () => {
      set.delete(onChange);
      if (set.size === 0 && this.byUser.get(userId) === set) this.byUser.delete(userId);
    };
  }

  /** Tells every open connection of the changed user. */
  changed(change: AccountChange): void {
    for (const onChange of [...(this.byUser.get(change.userId) ?? [])]) onChange(change);
  }

  /** The users with open connections here. */
  users(): string[] {
    return [...this.byUser.keys()];
  }

  /** Users with open connections here (for tests and metrics). */
  get size(): number {
    return this.byUser.size;
  }
}
