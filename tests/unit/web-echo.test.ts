// The web client's confirmed list and local-echo settlement (web/src/chat/echo.ts): messages
// from pages, the live subscription and mutation answers, in any order and some twice.
import { describe, expect, test } from 'vitest';
import { mergeBySeq, settle } from '../../web/src/chat/echo.js';
import type { Message } from '../../web/src/graphql/documents.js';
import type { Outgoing } from '../../web/src/chat/outbox.js';

const msg = (seq: number, clientId: string | null = null): Message => ({
  id: `m${seq}`,
  seq,
  room: 'lobby',
  content: `message ${seq}`,
  clientId,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  sender: { id: 'u1', username: 'alice' },
});
const out = (clientId: string, state: Outgoing['state'] = 'sending'): Outgoing => ({
  clientId,
  content: `pending ${clientId}`,
  createdAt: '2026-01-01T00:00:00.000Z',
  sender: { id: 'u1', username: 'alice' },
  state,
});
const seqs = (list: readonly Message[]) => list.map((m) => m.seq);

describe('mergeBySeq', () => {
  test('live messages append; an older page is sorted in front', () => {
    let list = mergeBySeq([], [msg(51), msg(52)]);
    list = mergeBySeq(list, [msg(53)]);
    list = mergeBySeq(list, [msg(1), msg(2), msg(50)]);
    expect(seqs(list)).toEqual([1, 2, 50, 51, 52, 53]);
  });

  test('each seq once, whichever source brings it first (page, live, mutation answer)', () => {
    const first = mergeBySeq([], [msg(1), msg(2)]);
    const page = mergeBySeq(first, [msg(2), msg(3), msg(3, 'c3')]);
    expect(seqs(page)).toEqual([1, 2, 3]);
    expect(page[2].clientId).toBeNull(); // the first copy of seq 3 is kept
    expect(seqs(mergeBySeq(page, [msg(1), msg(3)]))).toEqual([1, 2, 3]);
  });

  test('nothing new: the same list object (no signal update)', () => {
    const list = mergeBySeq([], [msg(1), msg(2)]);
    expect(mergeBySeq(list, [msg(2)])).toBe(list);
    expect(mergeBySeq(list, [])).toBe(list);
  });

  test('a gap filled later lands in its place', () => {
    expect(seqs(mergeBySeq(mergeBySeq([], [msg(1), msg(4)]), [msg(3), msg(2)]))).toEqual([1, 2, 3, 4]);
  });
});

describe('settle', () => {
  test('an outbox item goes once a confirmed message carries its clientId', () => {
    const outbox = [out('a'), out('b', 'queued'), out('c', 'failed')];
    expect(settle(outbox, [msg(7, 'b')]).map((o) => o.clientId)).toEqual(['a', 'c']);
    expect(settle(outbox, [msg(7, 'a'), msg(8, 'c')]).map((o) => o.clientId)).toEqual(['b']);
  });

  test("others' messages and messages without clientId settle nothing (same outbox object)", () => {
    const outbox = [out('a')];
    expect(settle(outbox, [msg(1), msg(2, 'someone-else')])).toBe(outbox);
    expect(settle([], [msg(1, 'a')])).toEqual([]);
  });
});
