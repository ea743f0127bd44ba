// The outbox: messages this page sent that the server has not confirmed yet, keyed by
// clientId, kept in localStorage per room so a reload does not lose them. Restored items
// that were not refused go out again with the same clientId (the server stores each once).
import type { User } from '../graphql/documents';

type OutgoingState = 'sending' | 'queued' | 'failed';

export interface Outgoing {
  clientId: string;
  content: string;
  createdAt: string;
  sender: User | null;
  state: OutgoingState;
  error?: string;
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const storageKey = (room: string) => `chat.outbox.${room}`;

/** The room's saved outbox; anything not refused is marked queued, to be sent again. */
export function restoreOutbox(room: string, storage: KeyValueStore = localStorage): Outgoing[] {
  try {
    const raw = storage.getItem(storageKey(room));
    const items = raw ? (JSON.parse(raw) as Outgoing[]) : [];
    return items.map((o) => (o.state === 'failed' ? o : { ...o, state: 'queued' as const }));
  } catch {
    return [];
  }
}

export function saveOutbox(room: string, items: readonly Outgoing[], storage: KeyValueStore = localStorage): void {
  try {
    if (items.length) storage.setItem(storageKey(room), JSON.stringify(items));
    else storage.removeItem(storageKey(room));
  } catch {
    /* storage full or disabled: the outbox still lives in memory */
  }
}

export const patchOutgoing = (items: readonly Outgoing[], clientId: string, patch: Partial<Outgoing>): Outgoing[] =>
  items.map((o) => (o.clientId === clientId ? { ...o, ...patch } : o));

export const withoutOutgoing = (items: readonly Outgoing[], clientId: string): Outgoing[] =>
  items.filter((o) => o.clientId !== clientId);
