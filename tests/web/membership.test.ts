// Membership in Chromium against a real server: a private room made and shared from the
// page, which a third user cannot find anywhere (sidebar, browse list, its address);
// unread and mention badges in the sidebar, live, with the "new messages" divider on
// entering and the badge cleared by reading; two tabs of one user kept in step by
// viewerEvents; a direct conversation named after the other person on both sides.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { gql, send, uniqueRoom } from '../support/client.js';
import { contextFor, newUser, openRoom, screenshot, shownMessages, startWebEnv, type TestUser, type WebEnv } from './helpers.js';

let env: WebEnv;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  env = await startWebEnv();
  [alice, bob, carol] = await Promise.all([newUser(env.server, 'alice'), newUser(env.server, 'bob'), newUser(env.server, 'carol')]);
});
afterAll(() => env?.close());

const sidebarRoom = (page: Page, room: string) => page.locator(`.sidebar-room[data-room="${room}"]`);
const unread = (page: Page, room: string) =>
  sidebarRoom(page, room).evaluate((el) => ({
    unread: Number(el.querySelector('.badge-unread')?.getAttribute('data-unread') ?? 0),
    mentions: Number(el.querySelector('.badge-mention')?.getAttribute('data-mentions') ?? 0),
  }));

async function openIndex(page: Page) {
  await page.goto('/chat/');
  await page.locator('.sidebar-lists').waitFor();
  await page.locator('[data-connection="connected"]').waitFor();
}

async function privateRoomOf(owner: TestUser, members: TestUser[]) {
  const room = uniqueRoom('private');
  const made = await gql(env.server.graphqlUrl, 'mutation($n:String!){ createRoom(name:$n, visibility: PRIVATE){ name } }', { n: room }, owner.token);
  expect(made.errors).toBeUndefined();
  for (const m of members) {
    const added = await gql(env.server.graphqlUrl, 'mutation($r:String!,$u:String!){ addMember(room:$r, username:$u){ lastReadSeq } }', { r: room, u: m.username }, owner.token);
    expect(added.errors).toBeUndefined();
  }
  return room;
}

const myCounts = async (user: TestUser, room: string) => {
  const r = await gql(env.server.graphqlUrl, '{ myRooms(first: 100){ edges { node { room { name } unreadCount mentionCount } } } }', {}, user.token);
  return r.data.myRooms.edges.map((e: any) => e.node).find((n: any) => n.room.name === room);
};

test('a private room made and shared from the page; a third user finds nothing of it', async () => {
  const room = uniqueRoom('team');
  const [ctxA, ctxB, ctxC] = await Promise.all([alice, bob, carol].map((u) => contextFor(env.browser, env.server, u)));
  const [pageA, pageB, pageC] = await Promise.all([ctxA.newPage(), ctxB.newPage(), ctxC.newPage()]);
  await Promise.all([openIndex(pageA), openIndex(pageB), openIndex(pageC)]);

  await pageA.getByRole('button', { name: 'New private room' }).click();
  await pageA.getByLabel('Name of the private room').fill(room);
  await pageA.getByRole('button', { name: 'Create' }).click();
  await pageA.waitForURL(`**/chat/${room}/`);
  await sidebarRoom(pageA, room).waitFor();
  expect(await sidebarRoom(pageA, room).getAttribute('data-visibility')).toBe('PRIVATE');

  await pageA.getByRole('button', { name: 'Members' }).click();
  await pageA.getByLabel('Add a member').fill(bob.username);
  await pageA.getByRole('button', { name: 'Add', exact: true }).click();
  await pageA.locator(`.member[data-member="${bob.username}"]`).waitFor();
  // Bob's sidebar learns of it live (MembershipAdded), without a reload.
  await sidebarRoom(pageB, room).waitFor();

  await pageA.locator('#composer-input').fill('secret plans');
  await pageA.locator('#composer-input').press('Enter');
  await pageA.locator('.message[data-state="sent"]', { hasText: 'secret plans' }).waitFor();
  await sidebarRoom(pageB, room).click();
  await pageB.locator('.message[data-state="sent"]', { hasText: 'secret plans' }).waitFor();
  await screenshot(pageA, 'membership-private-room');

  // Carol: not in her sidebar, not among the public rooms, and its address shows an empty room.
  expect(await sidebarRoom(pageC, room).count()).toBe(0);
  await pageC.getByRole('button', { name: 'Browse public rooms' }).click();
  await pageC.locator('.sidebar-browse .browse-list, .sidebar-browse .sidebar-empty').first().waitFor();
  await expect.poll(() => pageC.locator('.sidebar-browse').textContent()).not.toContain('Loading');
  expect(await pageC.locator(`.browse-room[data-room="${room}"]`).count()).toBe(0);
  await openRoom(pageC, room);
  await pageC.getByRole('button', { name: 'Members' }).click();
  await pageC.locator('.members-heading', { hasText: '(0)' }).waitFor();
  expect(await pageC.locator('.members-add, .members-leave').count()).toBe(0);
  // The page shows what the server answers: `room(name)` must answer an unused room's
  // (empty) history here. It fails today: Room.messages of a private room, asked for by a
  // non-member, returns the room's messages (the room itself says PUBLIC, lastSeq 0).
  expect(await shownMessages(pageC)).toEqual([]);
  await pageC.locator('.messages-empty').waitFor();
  const html = await pageC.content();
  for (const secret of ['secret plans', alice.username, bob.username]) expect(html).not.toContain(secret);
  await Promise.all([ctxA.close(), ctxB.close(), ctxC.close()]);
});

test('unread and mention badges, live; entering shows the divider above the first unread and clears the badge', async () => {
  const room = await privateRoomOf(alice, [bob]);
  await send(env.server.graphqlUrl, alice.token, room, 'already read');
  await gql(env.server.graphqlUrl, 'mutation($r:String!){ markRead(room:$r, seq: 1){ lastReadSeq } }', { r: room }, bob.token);
  const ctx = await contextFor(env.browser, env.server, bob);
  const page = await ctx.newPage();
  await openIndex(page);
  await sidebarRoom(page, room).waitFor();
  expect(await unread(page, room)).toEqual({ unread: 0, mentions: 0 });

  for (const text of ['first unread', `look at this @${bob.username}`, 'third']) await send(env.server.graphqlUrl, alice.token, room, text);
  await expect.poll(() => unread(page, room)).toEqual({ unread: 3, mentions: 1 });
  await screenshot(page, 'membership-unread-badges');

  await sidebarRoom(page, room).click();
  await page.locator('.message[data-state="sent"]', { hasText: 'third' }).waitFor();
  // The divider sits right above the first unread message (seq 2).
  const next = await page.locator('.unread-divider + .message').getAttribute('data-seq');
  expect(next).toBe('2');
  expect(await page.locator('.unread-divider').count()).toBe(1);
  // The mention stands out, and so does the name in it.
  expect(await page.locator('.message-mentions-me').getAttribute('data-seq')).toBe('3');
  expect(await page.locator('.message-mentions-me .mention-me').textContent()).toBe(`@${bob.username}`);
  await screenshot(page, 'membership-divider');

  await expect.poll(() => unread(page, room)).toEqual({ unread: 0, mentions: 0 });
  expect(await myCounts(bob, room)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
  await ctx.close();
});

test('two tabs of one user: reading in one clears the badge in the other', async () => {
  const room = await privateRoomOf(alice, [bob]);
  const ctx = await contextFor(env.browser, env.server, bob);
  const [tab1, tab2] = await Promise.all([ctx.newPage(), ctx.newPage()]);
  await Promise.all([openIndex(tab1), openIndex(tab2)]);
  await Promise.all([sidebarRoom(tab1, room).waitFor(), sidebarRoom(tab2, room).waitFor()]);

  await send(env.server.graphqlUrl, alice.token, room, 'one');
  await send(env.server.graphqlUrl, alice.token, room, 'two');
  for (const tab of [tab1, tab2]) await expect.poll(() => unread(tab, room)).toEqual({ unread: 2, mentions: 0 });

  await sidebarRoom(tab2, room).click();
  await tab2.locator('.message[data-state="sent"]', { hasText: 'two' }).waitFor();
  await expect.poll(() => unread(tab1, room)).toEqual({ unread: 0, mentions: 0 });

  // Sending from one tab moves the read position for both: no badge for one's own message.
  await tab2.locator('#composer-input').fill('my reply');
  await tab2.locator('#composer-input').press('Enter');
  await tab2.locator('.message[data-state="sent"]', { hasText: 'my reply' }).waitFor();
  await send(env.server.graphqlUrl, alice.token, room, 'three');
  await tab2.locator('.message[data-state="sent"]', { hasText: 'three' }).waitFor();
  await expect.poll(() => myCounts(bob, room)).toMatchObject({ unreadCount: 0 });
  await expect.poll(() => unread(tab1, room)).toEqual({ unread: 0, mentions: 0 });
  await ctx.close();
});

test('message someone: the direct room is called by the other person on both sides', async () => {
  const [ctxA, ctxB] = await Promise.all([contextFor(env.browser, env.server, alice), contextFor(env.browser, env.server, bob)]);
  const [pageA, pageB] = await Promise.all([ctxA.newPage(), ctxB.newPage()]);
  await Promise.all([openIndex(pageA), openIndex(pageB)]);
  await pageA.getByRole('button', { name: 'Message someone' }).click();
  await pageA.getByLabel('Their username').fill(bob.username);
  await pageA.getByRole('button', { name: 'Open conversation' }).click();
  await pageA.waitForURL(/\/chat\/dm-[0-9a-f-]+\/$/);
  const dm = decodeURIComponent(new URL(pageA.url()).pathname.split('/')[2]);
  await expect.poll(() => pageA.locator('.room-title').textContent()).toContain(bob.username);
  await pageA.locator('#composer-input').fill('hi bob, just us');
  await pageA.locator('#composer-input').press('Enter');
  const entry = sidebarRoom(pageB, dm);
  await expect.poll(() => entry.textContent()).toContain(alice.username);
  expect(await entry.getAttribute('data-visibility')).toBe('DIRECT');
  await expect.poll(() => unread(pageB, dm)).toEqual({ unread: 1, mentions: 0 });
  expect(await pageB.locator('.sidebar').textContent()).not.toContain('dm-');
  await Promise.all([ctxA.close(), ctxB.close()]);
});
