// The sidebar's counting (web/src/chat/unread.ts) and the @mention split
// (web/src/chat/mentions.ts): pure functions over what the server sent.
import { describe, expect, test } from 'vitest';
import { displayName, firstUnread, reconcile, withActivity, withMembership, withoutRoom } from '../../web/src/chat/unread.js';
import { mentionParts } from '../../web/src/chat/mentions.js';
import type { MembershipSummary } from '../../web/src/graphql/documents.js';

const ME = 'me';
const bob = { id: 'b', username: 'bob' };
const self = { id: ME, username: 'Ada' };
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString();
const member = (name: string, lastSeq: number, lastReadSeq: number, mentionCount = 0, visibility: 'PUBLIC' | 'PRIVATE' | 'DIRECT' = 'PRIVATE'): MembershipSummary => ({
  lastReadSeq,
  unreadCount: lastSeq - lastReadSeq,
  mentionCount,
  room: { id: `id-${name}`, name, visibility, topic: null, lastSeq, lastMessageAt: at(lastSeq) },
});
const msg = (room: string, seq: number, sender = bob, mentions: { id: string; username: string }[] = []) => ({
  room,
  seq,
  createdAt: at(100 + seq),
  sender,
  mentions,
  editedAt: null as string | null,
  deletedAt: null as string | null,
});
const counts = (list: readonly MembershipSummary[]) => list.map((m) => [m.room.name, m.unreadCount, m.mentionCount, m.lastReadSeq]);

describe('withActivity', () => {
  test("someone else's message counts one unread (and a mention when it names me), and moves the room to the top", () => {
    const list = [member('a', 5, 5), member('b', 3, 1)];
    const after = withActivity(withActivity(list, msg('b', 4), ME), msg('b', 5, bob, [self]), ME);
    expect(counts(after)).toEqual([['b', 4, 1, 1], ['a', 0, 0, 5]]);
  });
  test('my own message reads the room up to it; a repeated or unknown room changes nothing', () => {
    const list = [member('a', 5, 2, 1)];
    expect(counts(withActivity(list, msg('a', 6, self), ME))).toEqual([['a', 0, 0, 6]]);
    expect(withActivity(list, msg('a', 5), ME)).toBe(list);
    expect(withActivity(list, msg('elsewhere', 9), ME)).toBe(list);
  });
  test('an edit or a deletion (roomActivity carries them too) is no new message: nothing counted, nothing moved', () => {
    const list = [member('a', 5, 5), member('b', 3, 1)];
    // Even one the list has not counted yet (seq past lastSeq), and one naming me.
    for (const change of [
      { ...msg('b', 3, bob, [self]), editedAt: at(200) },
      { ...msg('b', 4, bob, [self]), editedAt: at(200) },
      { ...msg('b', 3), content: '', deletedAt: at(200) },
      { ...msg('b', 4, self), editedAt: at(200), deletedAt: at(201) },
    ]) {
      expect(withActivity(list, change, ME)).toBe(list);
    }
  });
});

describe('withMembership (viewerEvents, markRead answers)', () => {
  test("the server's counts replace the guess; messages it had not counted yet stay unread", () => {
    const list = withActivity([member('a', 5, 2, 1)], msg('a', 6), ME);
    const read = { ...member('a', 5, 5, 0) };
    expect(counts(withMembership(list, read))).toEqual([['a', 1, 0, 5]]);
  });
  test('an older read position is ignored; a new membership is added in order of activity', () => {
    const list = [member('a', 9, 8)];
    expect(withMembership(list, member('a', 9, 3))).toBe(list);
    expect(withMembership(list, member('new', 20, 20)).map((m) => m.room.name)).toEqual(['new', 'a']);
    expect(withoutRoom(list, 'a')).toEqual([]);
  });
});

test('reconcile keeps what live events made newer than a slow myRooms answer, and drops rooms no longer listed', () => {
  const live = withActivity([member('a', 3, 3), member('gone', 1, 1)], msg('a', 4, bob, [self]), ME);
  const fetched = [member('a', 3, 3)];
  expect(counts(reconcile(live, fetched))).toEqual([['a', 1, 1, 3]]);
});

test('a direct room is called by the other person, never by its id', () => {
  const dm = member('dm-123', 1, 1, 0, 'DIRECT');
  expect(displayName(dm, [self, bob], ME)).toBe('bob');
  expect(displayName(dm, undefined, ME)).toBe('…');
  expect(displayName(member('team', 1, 1), undefined, ME)).toBe('team');
});

test('the divider goes above the first message after the read position that someone else wrote', () => {
  const messages = [{ seq: 3, sender: bob }, { seq: 4, sender: self }, { seq: 5, sender: bob }];
  expect(firstUnread(messages, 3, ME)).toBe(5);
  expect(firstUnread(messages, 2, ME)).toBe(3);
  expect(firstUnread(messages, 5, ME)).toBeUndefined();
  expect(firstUnread(messages, null, ME)).toBeUndefined();
});

test('mentionParts: resolved names stand out (any case, trailing punctuation left out); others stay text', () => {
  expect(mentionParts('hi @BOB. and @nobody, mail a@bob.example', [bob])).toEqual([
    { kind: 'text', text: 'hi ' },
    { kind: 'mention', text: '@BOB', user: bob },
    { kind: 'text', text: '. and @nobody, mail a@bob.example' },
  ]);
  expect(mentionParts('@bob', [])).toEqual([{ kind: 'text', text: '@bob' }]);
});
