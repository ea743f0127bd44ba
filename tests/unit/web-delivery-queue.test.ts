// The web client's serial delivery queue (web/src/chat/delivery-queue.ts): one attempt at a
// time in order, backoff retries of transient failures while connected, and how a mutation
// result counts. Timers are the queue's own injection point, so pauses are asserted as
// numbers, not waited for.
import { describe, expect, test } from 'vitest';
import { CombinedError } from '@urql/core';
import { createDeliveryQueue, outcomeOf, type DeliveryOutcome } from '../../web/src/chat/delivery-queue.js';

/** Timers the test fires by hand. */
function manualTimers() {
  const pending = new Map<number, { run: () => void; ms: number }>();
  let next = 1;
  return {
    pending,
    set(run: () => void, ms: number) {
      pending.set(next, { run, ms });
      return next++;
    },
    clear(handle: unknown) {
      pending.delete(handle as number);
    },
    delays: () => [...pending.values()].map((t) => t.ms),
    fire() {
      const all = [...pending.values()];
      pending.clear();
      for (const t of all) t.run();
    },
  };
}

/** A queue over items whose attempts the test settles one by one. */
function harness(options: { connected?: () => boolean } = {}) {
  const timers = manualTimers();
  const started: string[] = [];
  const settlers: ((outcome: DeliveryOutcome) => void)[] = [];
  const refused = new Set<string>();
  const items = ['a', 'b', 'c'];
  const queue = createDeliveryQueue({
    attempt: (id) =>
      new Promise<DeliveryOutcome>((resolve) => {
        started.push(id);
        settlers.push((outcome) => {
          if (outcome === 'refused') refused.add(id);
          if (outcome === 'sent') items.splice(items.indexOf(id), 1);
          resolve(outcome);
        });
      }),
    waiting: () => items.filter((id) => !refused.has(id)),
    connected: options.connected ?? (() => true),
    backoff: (failures) => 1000 * (failures + 1),
    timers,
  });
  /** Settles the oldest attempt still open and lets the queue move on. */
  const settleNext = async (outcome: DeliveryOutcome) => {
    settlers.shift()!(outcome);
    await new Promise((r) => setImmediate(r));
  };
  return { queue, timers, started, settleNext, items };
}

describe('delivery queue', () => {
  test('attempts run one at a time, in the order they were queued', async () => {
    const h = harness();
    h.queue.flush();
    await new Promise((r) => setImmediate(r));
    expect(h.started).toEqual(['a']);
    await h.settleNext('sent');
    expect(h.started).toEqual(['a', 'b']);
    await h.settleNext('refused');
    expect(h.started).toEqual(['a', 'b', 'c']);
    await h.settleNext('sent');
    expect(h.timers.delays()).toEqual([]);
  });

  test('a transient failure while connected retries everything waiting after a growing pause; a success resets it', async () => {
    const h = harness();
    void h.queue.deliver('a');
    await new Promise((r) => setImmediate(r));
    await h.settleNext('transient');
    expect(h.timers.delays()).toEqual([1000]);
    h.timers.fire(); // the pause is over: a, b and c are queued
    await new Promise((r) => setImmediate(r));
    await h.settleNext('transient');
    expect(h.timers.delays()).toEqual([2000]); // one pending retry, the pause doubled
    await h.settleNext('transient'); // b: the retry is rescheduled, not doubled up
    expect(h.timers.delays()).toEqual([3000]);
    await h.settleNext('sent'); // c went through
    h.timers.fire();
    await new Promise((r) => setImmediate(r));
    expect(h.started).toEqual(['a', 'a', 'b', 'c', 'a']);
    await h.settleNext('transient');
    expect(h.timers.delays()).toEqual([1000]); // counted from 0 again after the success
  });

  test('while disconnected a transient failure waits for the reconnect (no timer)', async () => {
    const h = harness({ connected: () => false });
    void h.queue.deliver('a');
    await new Promise((r) => setImmediate(r));
    await h.settleNext('transient');
    expect(h.timers.delays()).toEqual([]);
  });

  test('a refused item is not retried; stop() ends retries and attempts', async () => {
    const h = harness();
    void h.queue.deliver('a');
    await new Promise((r) => setImmediate(r));
    await h.settleNext('refused');
    expect(h.timers.delays()).toEqual([]);
    void h.queue.deliver('b');
    await new Promise((r) => setImmediate(r));
    await h.settleNext('transient');
    expect(h.timers.delays()).toEqual([1000]);
    h.queue.stop();
    expect(h.timers.delays()).toEqual([]);
    h.queue.flush();
    await new Promise((r) => setImmediate(r));
    expect(h.started).toEqual(['a', 'b']);
  });
});

describe('outcomeOf', () => {
  test('data: sent; network error or 5xx: transient; anything else the server said: refused', () => {
    const refusal = { message: 'Message content is 4001 characters long; the limit is 4000.', extensions: { code: 'BAD_USER_INPUT' } };
    expect(outcomeOf({ data: { sendMessage: {} } })).toBe('sent');
    expect(outcomeOf({ error: new CombinedError({ networkError: new Error('Failed to fetch') }) })).toBe('transient');
    expect(outcomeOf({ error: new CombinedError({ graphQLErrors: [refusal], response: new Response(null, { status: 503 }) }) })).toBe('transient');
    expect(outcomeOf({ error: new CombinedError({ graphQLErrors: [refusal], response: new Response(null, { status: 400 }) }) })).toBe('refused');
    expect(outcomeOf({ error: new CombinedError({ graphQLErrors: [refusal], response: new Response(null, { status: 200 }) }) })).toBe('refused');
    expect(outcomeOf({ error: new CombinedError({ graphQLErrors: [refusal] }) })).toBe('refused');
  });
});
