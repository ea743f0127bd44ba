// Paging cursors and page arithmetic (server/chat/store/paging.ts), without a server.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MESSAGES_PAGE,
  DEFAULT_ROOMS_PAGE,
  messagesPage,
  messagesQuery,
  roomCursor,
  roomsPage,
  roomsQuery,
  seqCursor,
  toConnection,
} from '../../server/chat/store/paging.js';

const seqs = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => ({ seq: from + i }));

describe('message pages (cursor = seq)', () => {
  it('without arguments asks for the newest page, backwards', () => {
    expect(messagesQuery({})).toEqual({ forward: false, take: DEFAULT_MESSAGES_PAGE, after: undefined, before: undefined });
  });

  it('first or a lone after pages forward; last with after pages backward', () => {
    expect(messagesQuery({ first: 10 })).toMatchObject({ forward: true, take: 10 });
    expect(messagesQuery({ after: '7' })).toMatchObject({ forward: true, take: DEFAULT_MESSAGES_PAGE, after: 7 });
    expect(messagesQuery({ after: '7', last: 3 })).toMatchObject({ forward: false, take: 3, after: 7 });
    expect(messagesQuery({ before: '20', last: 5 })).toMatchObject({ forward: false, take: 5, before: 20 });
  });

  it('refuses first with last, sizes outside 0…100 and cursors that are not seqs', () => {
    expect(() => messagesQuery({ first: 1, last: 1 })).toThrow(/`first` or `last`/);
    expect(() => messagesQuery({ first: 101 })).toThrow(/between 0 and 100/);
    expect(() => messagesQuery({ last: -1 })).toThrow(/between 0 and 100/);
    for (const bad of ['', 'abc', '-1', '1.5', '12345678901', ' 1']) {
      expect(() => messagesQuery({ after: bad })).toThrow(/not a cursor/);
    }
  });

  it('says whether there are pages on either side from the seqs alone', () => {
    // 120 messages, the newest 50.
    expect(messagesPage(messagesQuery({}), seqs(71, 120), 120)).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    // The first 50.
    expect(messagesPage(messagesQuery({ first: 50 }), seqs(1, 50), 120)).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // A middle page.
    expect(messagesPage(messagesQuery({ last: 10, before: '61' }), seqs(51, 60), 120)).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('an empty page still says which way there is more', () => {
    // An empty room: nothing either way.
    expect(messagesPage(messagesQuery({}), [], 0)).toMatchObject({ nodes: [], hasPreviousPage: false, hasNextPage: false });
    // Past the end: everything is before.
    expect(messagesPage(messagesQuery({ after: '120' }), [], 120)).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    // first: 0 after 10: messages on both sides.
    expect(messagesPage(messagesQuery({ first: 0, after: '10' }), [], 120)).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('the connection carries each node with its cursor and the page bounds', () => {
    const c = toConnection(messagesPage(messagesQuery({ first: 2 }), seqs(1, 2), 5), seqCursor);
    expect(c.edges.map((e) => e.cursor)).toEqual(['1', '2']);
    expect(c.pageInfo).toEqual({ hasPreviousPage: false, hasNextPage: true, startCursor: '1', endCursor: '2' });
    expect(toConnection(messagesPage(messagesQuery({}), [], 0), seqCursor).pageInfo).toMatchObject({ startCursor: null, endCursor: null });
  });
});

describe('room pages (cursor = last activity and name)', () => {
  const room = { name: 'général', lastMessageAt: new Date('2026-01-02T03:04:05.678Z') };

  it('a room cursor comes back as the position it was made from', () => {
    const query = roomsQuery({ first: 5, after: roomCursor(room) });
    expect(query).toEqual({ take: 5, after: { name: 'général', lastMessageAt: room.lastMessageAt } });
  });

  it('defaults to 20 and refuses backward paging, bad sizes and foreign cursors', () => {
    expect(roomsQuery({})).toEqual({ take: DEFAULT_ROOMS_PAGE, after: undefined });
    expect(() => roomsQuery({ last: 1 })).toThrow(/forward only/);
    expect(() => roomsQuery({ before: roomCursor(room) })).toThrow(/forward only/);
    expect(() => roomsQuery({ first: 101 })).toThrow(/between 0 and 100/);
    for (const bad of ['12', 'not base64 !', Buffer.from('[1]').toString('base64url'), Buffer.from('["x","r"]').toString('base64url')]) {
      expect(() => roomsQuery({ after: bad })).toThrow(/not a cursor/);
    }
  });

  it('one room more than asked for only says there is a next page', () => {
    const query = roomsQuery({ first: 2 });
    expect(roomsPage(query, ['a', 'b', 'c'])).toEqual({ nodes: ['a', 'b'], hasPreviousPage: false, hasNextPage: true });
    expect(roomsPage(query, ['a', 'b'])).toEqual({ nodes: ['a', 'b'], hasPreviousPage: false, hasNextPage: false });
    expect(roomsPage(roomsQuery({ first: 2, after: roomCursor(room) }), ['c'])).toMatchObject({ hasPreviousPage: true });
  });
});
