// The web client's outbox in storage (web/src/chat/outbox.ts): kept per room, restored
// after a reload ready to be sent again, and never a reason for the page to fail.
import { describe, expect, test } from 'vitest';
import { patchOutgoing, restoreOutbox, saveOutbox, withoutOutgoing, type Outgoing } from '../../web/src/chat/outbox.js';

/** Storage as the browser's localStorage behaves, in memory. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

const out = (clientId: string, state: Outgoing['state'], error?: string): Outgoing => ({
  clientId,
  content: `text ${clientId}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  sender: { id: 'u1', username: 'alice' },
  state,
  ...(error ? { error } : {}),
});

describe('outbox storage', () => {
  test('a reload sends again what was sending or queued; a refused one stays refused, with its reason', () => {
    const storage = new MemoryStorage();
    saveOutbox('lobby', [out('a', 'sending'), out('b', 'queued'), out('c', 'failed', 'Too long')], storage);
    expect(restoreOutbox('lobby', storage)).toEqual([out('a', 'queued'), out('b', 'queued'), out('c', 'failed', 'Too long')]);
  });

  test('each room has its own outbox; an empty one leaves no key behind', () => {
    const storage = new MemoryStorage();
    saveOutbox('lobby', [out('a', 'sending')], storage);
    saveOutbox('kitchen', [out('b', 'sending')], storage);
    expect(restoreOutbox('kitchen', storage).map((o) => o.clientId)).toEqual(['b']);
    saveOutbox('lobby', [], storage);
    expect([...storage.items.keys()]).toEqual(['chat.outbox.kitchen']);
    expect(restoreOutbox('lobby', storage)).toEqual([]);
  });

  test('unreadable or unavailable storage: an empty outbox, no exception', () => {
    const storage = new MemoryStorage();
    storage.setItem('chat.outbox.lobby', '{not json');
    expect(restoreOutbox('lobby', storage)).toEqual([]);
    const broken = {
      getItem(): string | null {
        throw new Error('SecurityError');
      },
      setItem() {
        throw new Error('QuotaExceededError');
      },
      removeItem() {
        throw new Error('SecurityError');
      },
    };
    expect(restoreOutbox('lobby', broken)).toEqual([]);
    expect(() => saveOutbox('lobby', [out('a', 'sending')], broken)).not.toThrow();
  });

  test('patch and remove touch only the item with that clientId', () => {
    const items = [out('a', 'sending'), out('b', 'sending')];
    expect(patchOutgoing(items, 'b', { state: 'failed', error: 'no' })).toEqual([out('a', 'sending'), out('b', 'failed', 'no')]);
    expect(withoutOutgoing(items, 'a')).toEqual([out('b', 'sending')]);
    expect(items).toEqual([out('a', 'sending'), out('b', 'sending')]);
  });
});
