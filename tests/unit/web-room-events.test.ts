// The room page's roomEvents subscription is shared by every viewer of a room: the server
// executes and serialises each event once for all subscribers whose selections match
// (server/delivery/broadcast.ts shareKey), whatever room and `after` they pass — also with
// the fragments the page spreads.
import { expect, test } from 'vitest';
import { formatDocument } from '@urql/core';
import { shareKey } from '../../server/delivery/broadcast.js';
import { RoomEventsSubscription } from '../../web/src/graphql/documents.js';

const SHAREABLE = new Set(['roomEvents']);

test.each([
  ['as written', RoomEventsSubscription],
  ['as urql sends it (with __typename)', formatDocument(RoomEventsSubscription)],
])('pages of different rooms, resuming from different versions, share one key (%s)', (_, document) => {
  const key = (variableValues: Record<string, unknown>) => shareKey({ document, variableValues }, SHAREABLE);
  expect(key({ room: 'lobby', after: 3 })).toBeDefined();
  expect(key({ room: 'lobby', after: 3 })).toBe(key({ room: 'lobby', after: 1200 }));
  expect(key({ room: 'lobby', after: 3 })).toBe(key({ room: 'other', after: 0 }));
});
