// The /chat/ index's active rooms in Chromium, kept live by roomActivity, which carries
// edits and deletions too: the preview of a room's last message is replaced in place when
// it is edited (with "(edited)") and shows "message deleted" when it is deleted, so deleted
// content stays on no page; neither moves the room up nor counts as unread in the sidebar.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { deleteMessage, editMessage, send, uniqueRoom } from '../support/client.js';
import { contextFor, newUser, screenshot, startWebEnv, type TestUser, type WebEnv } from './helpers.js';

let env: WebEnv;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  env = await startWebEnv();
  [alice, bob] = await Promise.all([newUser(env.server, 'alice'), newUser(env.server, 'bob')]);
});
afterAll(() => env?.close());

const preview = (page: Page, room: string) => page.locator(`.room-list .room-item[data-room="${room}"] .room-item-last`);
const order = (page: Page) => page.locator('.room-list .room-item').evaluateAll((items) => items.map((a) => a.getAttribute('data-room')));
const unread = (page: Page, room: string) =>
  page.locator(`.sidebar-room[data-room="${room}"]`).evaluate((el) => Number(el.querySelector('.badge-unread')?.getAttribute('data-unread') ?? 0));

test('the index shows an edit and a deletion of a room\'s last message live, in place, and counts neither', async () => {
  const [roomA, roomB] = [uniqueRoom('plans'), uniqueRoom('chatter')];
  // Alice is in both rooms (her own messages: nothing unread).
  for (const room of [roomA, roomB]) await send(env.server.graphqlUrl, alice.token, room, `alice in ${room}`);
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await page.goto('/chat/');
  await page.locator('[data-connection="connected"]').waitFor();
  await page.locator(`.sidebar-room[data-room="${roomB}"]`).waitFor();

  // roomActivity is live only: Bob writes to room B until the index shows it.
  for (let i = 0; ; i++) {
    await send(env.server.graphqlUrl, bob.token, roomB, `probe ${i}`);
    const shown = await preview(page, roomB)
      .filter({ hasText: `probe ${i}` })
      .waitFor({ timeout: 500 })
      .then(() => true, () => false);
    if (shown) break;
  }
  const secret = await send(env.server.graphqlUrl, bob.token, roomA, 'SECRET plan');
  await expect.poll(() => preview(page, roomA).textContent()).toBe(`${bob.username}: SECRET plan`);
  await send(env.server.graphqlUrl, bob.token, roomB, 'newer chatter');
  await expect.poll(() => preview(page, roomB).textContent()).toBe(`${bob.username}: newer chatter`);
  expect((await order(page)).slice(0, 2)).toEqual([roomB, roomA]);
  const unreadB = await unread(page, roomB);
  await expect.poll(() => unread(page, roomA)).toBe(1);

  await editMessage(env.server.graphqlUrl, bob.token, secret.id, 'SECRET plan, fixed');
  await expect.poll(() => preview(page, roomA).textContent()).toBe(`${bob.username}: SECRET plan, fixed (edited)`);
  await screenshot(page, 'index-preview-edited');

  await deleteMessage(env.server.graphqlUrl, bob.token, secret.id);
  await expect.poll(() => preview(page, roomA).textContent()).toBe(`${bob.username}: message deleted`);
  expect(await preview(page, roomA).locator('.message-deleted').count()).toBe(1);
  await screenshot(page, 'index-preview-deleted');

  // Neither change moved room A up or counted: a marker sent after them has arrived, and
  // the counts are what they were.
  await send(env.server.graphqlUrl, bob.token, roomB, 'marker');
  await expect.poll(() => preview(page, roomB).textContent()).toBe(`${bob.username}: marker`);
  expect((await order(page)).slice(0, 2)).toEqual([roomB, roomA]);
  expect(await unread(page, roomA)).toBe(1);
  expect(await unread(page, roomB)).toBe(unreadB + 1);
  expect(await page.content()).not.toContain('SECRET');

  // As the server has it after a reload.
  await page.reload();
  await expect.poll(() => preview(page, roomA).textContent()).toBe(`${bob.username}: message deleted`);
  expect(await page.content()).not.toContain('SECRET');
  await ctx.close();
});
