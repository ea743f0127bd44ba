// The index's list of active rooms (web/src/chat/active-rooms.ts): what each roomActivity
// message (posted, edited or deleted) does to it, and a `rooms` answer merged with what
// arrived while it was asked for.
import { describe, expect, test } from 'vitest';
import { withFetched, withRoomActivity, type Activity, type RoomSummary } from '../../web/src/chat/active-rooms.js';

const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const bob = { id: 'b', username: 'bob' };
const posted = (room: string, seq: number, version: number, content = `message ${seq}`): Activity => ({
  id: `${room}-${seq}`,
  room,
  seq,
  version,
  content,
  clientId: null,
  createdAt: at(seq),
  editedAt: null,
  deletedAt: null,
  sender: bob,
  mentions: [],
});
const edited = (m: Activity, version: number, content: string): Activity => ({ ...m, version, content, editedAt: at(100 + version) });
const deleted = (m: Activity, version: number): Activity => ({ ...m, version, content: '', deletedAt: at(100 + version) });
const summary = (m: Activity): RoomSummary => ({ name: m.room, lastSeq: m.seq, lastMessageAt: m.createdAt, lastMessage: m });
const shown = (list: readonly RoomSummary[]) => list.map((r) => [r.name, r.lastSeq, r.lastMessage?.content, !!r.lastMessage?.deletedAt]);

describe('withRoomActivity', () => {
  test('a new message puts its room at the top with it as the preview', () => {
    const list = [summary(posted('a', 1, 1)), summary(posted('b', 4, 6))];
    expect(shown(withRoomActivity(list, posted('b', 5, 7, 'news')))).toEqual([['b', 5, 'news', false], ['a', 1, 'message 1', false]]);
    expect(shown(withRoomActivity(list, posted('c', 1, 2, 'first')))[0]).toEqual(['c', 1, 'first', false]);
  });

  test("an edit or deletion of the message shown replaces it in place; it is not counted as new", () => {
    const last = posted('b', 4, 6, 'SECRET');
    const list = [summary(posted('a', 1, 1)), summary(last)];
    const afterEdit = withRoomActivity(list, edited(last, 7, 'fixed'));
    expect(shown(afterEdit)).toEqual([['a', 1, 'message 1', false], ['b', 4, 'fixed', false]]);
    const afterDelete = withRoomActivity(afterEdit, deleted(last, 8));
    expect(shown(afterDelete)).toEqual([['a', 1, 'message 1', false], ['b', 4, '', true]]);
    expect(JSON.stringify(afterDelete)).not.toContain('SECRET');
    // An older version of it, coming late (or again), changes nothing.
    expect(withRoomActivity(afterDelete, edited(last, 7, 'fixed'))).toBe(afterDelete);
    expect(withRoomActivity(afterDelete, last)).toBe(afterDelete);
  });

  test("a change to an older message, or to a room not listed, changes nothing", () => {
    const older = posted('b', 3, 5);
    const list = [summary(posted('b', 4, 6))];
    expect(withRoomActivity(list, edited(older, 7, 'x'))).toBe(list);
    expect(withRoomActivity(list, deleted(older, 7))).toBe(list);
    expect(withRoomActivity(list, deleted(posted('elsewhere', 9, 9), 10))).toBe(list);
  });
});

test("withFetched: a `rooms` answer older than a deletion received meanwhile does not bring the content back", () => {
  const last = posted('b', 4, 6, 'SECRET');
  // The list is empty while the first answer is on its way; the deletion arrives first.
  const meanwhile = [deleted(last, 7)];
  const held = withRoomActivity([], meanwhile[0]);
  expect(held).toEqual([]);
  const merged = withFetched(held, [summary(last), summary(posted('a', 1, 1))], meanwhile);
  expect(shown(merged)).toEqual([['b', 4, '', true], ['a', 1, 'message 1', false]]);
  // What the list holds newer than an answer stays: a later message, a later change.
  const live = withRoomActivity(merged, { ...posted('a', 2, 3, 'live'), createdAt: at(50) });
  expect(shown(withFetched(live, [summary(last), summary(posted('a', 1, 1))], []))).toEqual([['a', 2, 'live', false], ['b', 4, '', true]]);
});
