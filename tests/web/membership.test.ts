// Membership in Chromium against a real server: a private room made and shared from the
// page, which a third user cannot find anywhere (sidebar, browse list, its address);
// unread and mention badges in the sidebar, live, with the "new messages" divider on
// entering and the badge cleared by reading; two tabs of one user kept in step by
// viewerEvents; a direct conversation named after the other person on both sides; the
// creator removing a member from the members panel (whose open page of the room leaves
// it); joining a room from "browse public rooms"; a room's topic, given when the private
// room is made and edited in its header by whoever may; the phone layout's sidebar drawer;
// desktop notifications asked for on the first message sent.
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

const members = async (room: string, token: string) => {
  const r = await gql(env.server.graphqlUrl, 'query($n:String!){ room(name:$n){ topic members(first: 50){ edges { node { user { username } } } } } }', { n: room }, token);
  return { topic: r.data.room.topic as string | null, members: r.data.room.members.edges.map((e: any) => e.node.user.username as string) };
};

test("the creator removes a member from the members panel; the removed member's open page leaves the room", async () => {
  const room = await privateRoomOf(alice, [bob, carol]);
  await send(env.server.graphqlUrl, alice.token, room, 'before the removal');
  const [ctxA, ctxB, ctxC] = await Promise.all([alice, bob, carol].map((u) => contextFor(env.browser, env.server, u)));
  const [pageA, pageB, pageC] = await Promise.all([ctxA.newPage(), ctxB.newPage(), ctxC.newPage()]);
  await Promise.all([openRoom(pageA, room), openRoom(pageB, room), openRoom(pageC, room)]);
  await pageC.locator('.message[data-state="sent"]', { hasText: 'before the removal' }).waitFor();

  // Bob, a member but not the creator, is offered no removal.
  await pageB.getByRole('button', { name: 'Members' }).click();
  await pageB.locator(`.member[data-member="${carol.username}"]`).waitFor();
  expect(await pageB.locator('.members-panel').getByRole('button', { name: /^Remove / }).count()).toBe(0);

  await pageA.getByRole('button', { name: 'Members' }).click();
  await pageA.locator(`.member[data-member="${carol.username}"]`).waitFor();
  // None for herself either.
  expect(await pageA.getByRole('button', { name: `Remove ${alice.username}` }).count()).toBe(0);
  await pageA.getByRole('button', { name: `Remove ${carol.username}` }).click();
  await pageA.locator(`.member[data-member="${carol.username}"]`).waitFor({ state: 'detached' });
  expect(await pageA.locator('.members-heading').textContent()).toBe('Members (2)');
  expect(await members(room, alice.token)).toEqual({ topic: null, members: [alice.username, bob.username] });
  // Bob's open panel follows (MemberLeft); Carol's page leaves the room, and keeps nothing of it.
  await pageB.locator(`.member[data-member="${carol.username}"]`).waitFor({ state: 'detached' });
  await pageC.waitForURL('**/chat/');
  expect(await sidebarRoom(pageC, room).count()).toBe(0);
  expect(await pageC.content()).not.toContain('before the removal');
  await Promise.all([ctxA.close(), ctxB.close(), ctxC.close()]);
});

test('browse public rooms: joining one opens it and puts it in the sidebar', async () => {
  const room = uniqueRoom('lobby');
  await send(env.server.graphqlUrl, carol.token, room, 'come on in');
  const ctx = await contextFor(env.browser, env.server, bob);
  const page = await ctx.newPage();
  await openIndex(page);
  expect(await sidebarRoom(page, room).count()).toBe(0);
  await page.getByRole('button', { name: 'Browse public rooms' }).click();
  const entry = page.locator(`.browse-room[data-room="${room}"]`);
  await entry.getByRole('button', { name: 'Join' }).click();
  await page.waitForURL(`**/chat/${room}/`);
  await page.locator('.message[data-state="sent"]', { hasText: 'come on in' }).waitFor();
  await sidebarRoom(page, room).waitFor();
  expect(await sidebarRoom(page, room).getAttribute('aria-current')).toBe('page');
  const mine = await gql(env.server.graphqlUrl, '{ myRooms(first: 100){ edges { node { room { name } } } } }', {}, bob.token);
  expect(mine.data.myRooms.edges.map((e: any) => e.node.room.name)).toContain(room);
  // Browsed again, the room is one to open, no longer to join.
  await page.getByRole('button', { name: 'Browse public rooms' }).click();
  await entry.getByRole('link', { name: 'Open' }).waitFor();
  expect(await entry.getByRole('button', { name: 'Join' }).count()).toBe(0);
  await ctx.close();
});

test("a room's topic: given with a new private room, edited in the header (Esc cancels, Enter saves), offered only to who may set it", async () => {
  const room = uniqueRoom('topic');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openIndex(page);
  await page.getByRole('button', { name: 'New private room' }).click();
  await page.getByLabel('Name of the private room').fill(room);
  await page.getByLabel('Topic (optional)').fill('Quarterly plans');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(`**/chat/${room}/`);
  await expect.poll(() => page.locator('.room-header .room-topic').textContent()).toBe('Quarterly plans');
  expect((await members(room, alice.token)).topic).toBe('Quarterly plans');

  const topicInput = page.getByLabel('Topic', { exact: true });
  await page.getByRole('button', { name: 'Edit topic' }).click();
  await expect.poll(() => topicInput.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await topicInput.inputValue()).toBe('Quarterly plans');
  await topicInput.fill('never saved');
  await topicInput.press('Escape');
  await topicInput.waitFor({ state: 'detached' });
  expect(await page.locator('.room-header .room-topic').textContent()).toBe('Quarterly plans');
  expect((await members(room, alice.token)).topic).toBe('Quarterly plans');

  await page.getByRole('button', { name: 'Edit topic' }).click();
  await topicInput.fill('Q3 budget, nothing else');
  await topicInput.press('Enter');
  await topicInput.waitFor({ state: 'detached' });
  expect(await page.locator('.room-header .room-topic').textContent()).toBe('Q3 budget, nothing else');
  expect((await members(room, alice.token)).topic).toBe('Q3 budget, nothing else');
  await screenshot(page, 'membership-topic');
  await page.reload();
  await expect.poll(() => page.locator('.room-header .room-topic').textContent()).toBe('Q3 budget, nothing else');

  // A public room: its creator may set the topic, another member may not (nor is offered it).
  const lobby = uniqueRoom('public-topic');
  const made = await gql(env.server.graphqlUrl, 'mutation($n:String!){ createRoom(name:$n, visibility: PUBLIC){ name } }', { n: lobby }, alice.token);
  expect(made.errors).toBeUndefined();
  await send(env.server.graphqlUrl, bob.token, lobby, 'hello all');
  const ctxB = await contextFor(env.browser, env.server, bob);
  const pageB = await ctxB.newPage();
  await openRoom(pageB, lobby);
  await openRoom(page, lobby);
  await page.getByRole('button', { name: 'Set a topic' }).waitFor();
  expect(await pageB.locator('.room-topic-edit').count()).toBe(0);
  await page.getByRole('button', { name: 'Set a topic' }).click();
  await topicInput.fill('Everyone welcome');
  await topicInput.press('Enter');
  await expect.poll(() => page.locator('.room-header .room-topic').textContent()).toBe('Everyone welcome');
  expect((await members(lobby, bob.token)).topic).toBe('Everyone welcome');
  await Promise.all([ctx.close(), ctxB.close()]);
});

test('phone layout: the sidebar is a drawer behind the header button; picking a room opens it and closes the drawer', async () => {
  const room = await privateRoomOf(alice, [bob]);
  await send(env.server.graphqlUrl, alice.token, room, 'hello on the phone');
  const ctx = await contextFor(env.browser, env.server, bob, { width: 390, height: 844 });
  const page = await ctx.newPage();
  await page.goto('/chat/');
  await page.locator('[data-connection="connected"]').waitFor();
  const drawer = page.locator('#sidebar');
  const toggle = page.getByRole('button', { name: 'Your rooms' });
  expect(await drawer.isVisible()).toBe(false);
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');

  await toggle.click();
  await sidebarRoom(page, room).waitFor({ state: 'visible' });
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  expect(await drawer.isVisible()).toBe(true);
  await screenshot(page, 'membership-phone-drawer');

  await sidebarRoom(page, room).click();
  await page.waitForURL(`**/chat/${room}/`);
  await page.locator('.message[data-state="sent"]', { hasText: 'hello on the phone' }).waitFor();
  await drawer.waitFor({ state: 'hidden' });
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  await ctx.close();
});

test("desktop notifications are asked for on the reader's first message, within its gesture, once", async () => {
  const reader = await newUser(env.server, 'reader');
  const room = uniqueRoom('notify');
  const ctx = await contextFor(env.browser, env.server, reader);
  // Each ask is recorded with whether the page had a user gesture at the time (browsers
  // ignore a prompt without one); the real requestPermission is then called.
  await ctx.addInitScript(() => {
    const asks: boolean[] = ((window as any).__asks = []);
    const real = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = () => {
      asks.push(navigator.userActivation.isActive);
      return real();
    };
  });
  const page = await ctx.newPage();
  await openRoom(page, room);
  const asks = () => page.evaluate(() => (window as any).__asks as boolean[]);
  const button = page.getByRole('button', { name: 'Notify me of mentions' });
  // Nothing asked at load: the sidebar offers it.
  await button.waitFor();
  expect(await asks()).toEqual([]);

  // The reader allows it when asked (the browser's prompt answered).
  await ctx.grantPermissions(['notifications'], { origin: env.server.url });
  await page.locator('#composer-input').fill('my first message');
  await page.locator('#composer-input').press('Enter');
  await expect.poll(asks).toEqual([true]);
  // The page took the answer: nothing left to offer.
  await button.waitFor({ state: 'detached' });
  await page.locator('.message[data-state="sent"]', { hasText: 'my first message' }).waitFor();

  await page.locator('#composer-input').fill('and another');
  await page.locator('#composer-input').press('Enter');
  await page.locator('.message[data-state="sent"]', { hasText: 'and another' }).waitFor();
  expect(await asks()).toEqual([true]);
  await ctx.close();
});
