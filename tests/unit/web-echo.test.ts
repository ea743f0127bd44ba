// The web client's confirmed list and local-echo settlement (web/src/chat/echo.ts): messages
// from pages, the room's events and mutation answers, in any order and some twice; edits
// and deletions replace a message in place only when newer.
import { describe, expect, test } from 'vitest';
import { applyChanges, mergeBySeq, rebase, settle } from '../../web/src/chat/echo.js';
import type { Message } from '../../web/src/graphql/documents.js';
import type { Outgoing } from '../../web/src/chat/outbox.js';

// Posted at room version `seq` (no edits in between), unless a change says otherwise.
const msg = (seq: number, clientId: string | null = null): Message => ({
  id: `m${seq}`,
  seq,
  version: seq,
  room: 'lobby',
  content: `message ${seq}`,
  clientId,
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(),
  editedAt: null,
  deletedAt: null,
  sender: { id: 'u1', username: 'alice' },
  mentions: [],
});
const edited = (seq: number, version: number, content: string): Message => ({
  ...msg(seq),
  version,
  content,
  editedAt: new Date(Date.UTC(2026, 0, 1, 1, 0, version)).toISOString(),
});
const deleted = (seq: number, version: number): Message => ({
  ...msg(seq),
  version,
  content: '',
  deletedAt: new Date(Date.UTC(2026, 0, 1, 2, 0, version)).toISOString(),
});
const texts = (list: readonly Message[]) => list.map((m) => m.content);
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

describe('mergeBySeq: edits and deletions', () => {
  test('a newer version replaces the held message in place; the others stay the same objects', () => {
    const list = mergeBySeq([], [msg(1), msg(2), msg(3)]);
    const next = mergeBySeq(list, [edited(2, 4, 'fixed')]);
    expect(texts(next)).toEqual(['message 1', 'fixed', 'message 3']);
    expect(next[0]).toBe(list[0]);
    expect(next[2]).toBe(list[2]);
    expect(texts(mergeBySeq(next, [deleted(2, 5)]))).toEqual(['message 1', '', 'message 3']);
  });

  test('an older or equal version changes nothing (a page read before the change, a replayed event)', () => {
    const list = mergeBySeq([], [msg(1), deleted(2, 6), edited(3, 5, 'fixed')]);
    expect(mergeBySeq(list, [msg(2), edited(2, 4, 'stale edit'), msg(3), edited(3, 5, 'fixed')])).toBe(list);
  });

  test('several copies of a new seq in one batch: the newest version wins, whatever the order', () => {
    expect(texts(mergeBySeq([], [edited(1, 3, 'second'), msg(1), edited(1, 2, 'first')]))).toEqual(['second']);
  });

  test('a change and new messages together', () => {
    const list = mergeBySeq([], [msg(1), msg(2)]);
    const next = mergeBySeq(list, [deleted(1, 3), msg(4), msg(3)]);
    expect(seqs(next)).toEqual([1, 2, 3, 4]);
    expect(next[0].deletedAt).not.toBeNull();
  });
});

describe('applyChanges', () => {
  test('a change to a message older than every page held waits for its page', () => {
    const list = mergeBySeq([], [msg(51), msg(52)]);
    const { messages, deferred } = applyChanges(list, [edited(3, 60, 'old one fixed'), deleted(52, 61), msg(53)]);
    expect(seqs(messages)).toEqual([51, 52, 53]);
    expect(messages[1].content).toBe('');
    expect(deferred).toEqual([edited(3, 60, 'old one fixed')]);
  });

  test('nothing held yet (empty room): everything is shown', () => {
    const { messages, deferred } = applyChanges([], [msg(1), edited(1, 2, 'x')]);
    expect(texts(messages)).toEqual(['x']);
    expect(deferred).toEqual([]);
  });

  test('nothing changes: the same list object', () => {
    const list = mergeBySeq([], [msg(1), edited(2, 3, 'y')]);
    expect(applyChanges(list, [msg(2)]).messages).toBe(list);
  });
});

describe('rebase (after ResyncRequired)', () => {
  test('the reloaded page replaces what it covers; older pages go; live messages beyond it stay', () => {
    // Held: 1..4 from before the page fell behind (2 and 4 stale), 9 arrived live after the resync.
    const held = mergeBySeq([], [msg(1), msg(2), msg(3), msg(4), msg(9)]);
    const page = [deleted(4, 20), msg(5), msg(6), msg(7), edited(8, 21, 'now')];
    const next = rebase(held, page);
    expect(seqs(next)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(next[0].content).toBe('');
    expect(next[4].content).toBe('now');
  });

  test('an event newer than the page keeps its version over the page', () => {
    const held = mergeBySeq([], [msg(5), edited(6, 30, 'after the page')]);
    expect(texts(rebase(held, [msg(5), edited(6, 25, 'as of the page')]))).toEqual(['message 5', 'after the page']);
  });

  test('an empty page (nothing in the room when reloaded) keeps what arrived', () => {
    const held = mergeBySeq([], [msg(1)]);
    expect(rebase(held, [])).toBe(held);
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
