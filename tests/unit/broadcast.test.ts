// Share keys (which subscribers may share one execution per event) and the per-address
// budget of bytes queued on sockets.
import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { shareKey } from '../../server/delivery/broadcast.js';
import { BEHIND_BYTES, ClientBudgets } from '../../server/delivery/client-budget.js';

const SHAREABLE = new Set(['messageAdded', 'roomActivity']);
const key = (query: string, variableValues: Record<string, unknown> = {}) =>
  shareKey({ document: parse(query), variableValues }, SHAREABLE);

describe('shareKey', () => {
  it('is the same for the same selection, whatever the room and after', () => {
    const a = key('subscription { messageAdded(room: "a", after: 3) { seq content } }');
    const b = key('subscription($r: String!) { messageAdded(room: $r) { seq content } }', { r: 'b' });
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('differs when the selection or the alias differs', () => {
    const base = key('subscription { messageAdded(room: "a") { seq content } }');
    expect(key('subscription { messageAdded(room: "a") { seq } }')).not.toBe(base);
    expect(key('subscription { m: messageAdded(room: "a") { seq content } }')).not.toBe(base);
  });

  it('takes in the variables used inside the selection, fragments and directives', () => {
    const q = 'subscription($x: Boolean!) { messageAdded(room: "a") { seq content @include(if: $x) } }';
    expect(key(q, { x: true })).not.toBe(key(q, { x: false }));
    const rootDirective = 'subscription { messageAdded(room: "a") @include(if: true) { seq } }';
    expect(key(rootDirective)).toContain('@include');
    const fragment = 'subscription { messageAdded(room: "a") { ...F } } fragment F on Message { seq }';
    expect(key(fragment)).toContain('fragment F');
    expect(key(fragment)).not.toBe(key('subscription { messageAdded(room: "a") { ...F } } fragment F on Message { seq content }'));
    // A fragment spread in a fragment counts too, and its variables.
    const nested = 'subscription($y: Boolean!) { messageAdded(room: "a") { ...F } } fragment F on Message { ...G } fragment G on Message { seq @skip(if: $y) }';
    expect(key(nested, { y: true })).not.toBe(key(nested, { y: false }));
  });

  it('with fragments, room and after still do not split subscribers (they only choose the events)', () => {
    const q = 'subscription($room: String!, $after: Int) { roomEvents(room: $room, after: $after) { version ...E } } fragment E on RoomEvent { room }';
    const shareable = new Set(['roomEvents']);
    const a = shareKey({ document: parse(q), variableValues: { room: 'a', after: 1 } }, shareable);
    const b = shareKey({ document: parse(q), variableValues: { room: 'b', after: 9 } }, shareable);
    expect(a).toBeDefined();
    expect(a).toBe(b);
  });

  it('is undefined for queries, mutations and other subscriptions', () => {
    expect(key('query { rooms { edges { node { name } } } }')).toBeUndefined();
    expect(key('subscription { somethingElse }')).toBeUndefined();
  });
});

describe('ClientBudgets.overBudget', () => {
  const socket = (bufferedAmount: number) => ({ bufferedAmount });

  it('sockets with little queued cost nothing and are not counted', () => {
    const budgets = new ClientBudgets({ replaysAtOnce: 1, bufferedBytes: 1 << 20 });
    expect(budgets.overBudget('a', socket(BEHIND_BYTES - 1))).toBe(false);
    expect(budgets.size).toBe(0);
  });

  it('adds up what the address has queued on its sockets that are behind', () => {
    const budgets = new ClientBudgets({ replaysAtOnce: 1, bufferedBytes: 1 << 20 });
    const s1 = socket(600 << 10);
    const s2 = socket(600 << 10);
    expect(budgets.overBudget('a', s1)).toBe(false);
    expect(budgets.overBudget('a', s2)).toBe(true); // 1.2 MB > 1 MB together
    expect(budgets.overBudget('b', socket(600 << 10))).toBe(false); // another address
    budgets.release('a', s1);
    expect(budgets.overBudget('a', s2)).toBe(false);
    s2.bufferedAmount = 0;
    expect(budgets.overBudget('a', s2)).toBe(false);
    budgets.release('b', socket(0));
  });
});
