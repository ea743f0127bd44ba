// Editing and deleting messages in Chromium against a real server. The author edits
// (inline: Enter saves, Shift+Enter is a new line, Esc cancels) and deletes (after
// confirming) their own messages; another page shows "(edited)" and "message deleted" live,
// after a reload and after a reconnect (replayed by roomEvents, or the newest page loaded
// again after ResyncRequired). An admin deletes someone else's message from the page. What
// the server refuses is said in the editor, and what was typed stays.
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { deleteMessage, editMessage, gql, send, uniqueRoom } from '../support/client.js';
import { startServer, type RunningServer } from '../support/server.js';
import { createAdmin } from '../admin/helpers.js';
import { contextFor, newUser, openRoom, screenshot, shownStates, startWebEnv, type TestUser, type WebEnv } from './helpers.js';

let env: WebEnv;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

beforeAll(async () => {
  env = await startWebEnv();
  [alice, bob, admin] = await Promise.all([
    newUser(env.server, 'alice'),
    newUser(env.server, 'bob'),
    createAdmin(env.db.url, env.server.graphqlUrl),
  ]);
});
afterAll(() => env?.close());

const row = (page: Page, seq: number) => page.locator(`.message[data-state="sent"][data-seq="${seq}"]`);
const focused = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? null);
const EDITED = expect.stringMatching(/^Edited /);
const sent = (seq: number, text: string) => ({ seq, text, edited: null, deleted: false });
const edited = (seq: number, text: string) => ({ seq, text, edited: EDITED, deleted: false });
const deleted = (seq: number) => ({ seq, text: 'message deleted', edited: null, deleted: true });

test('the author edits and deletes; the other page sees both live, and again after a reload', async () => {
  const room = uniqueRoom('edit');
  const [ctxA, ctxB] = await Promise.all([contextFor(env.browser, env.server, alice), contextFor(env.browser, env.server, bob)]);
  const [pageA, pageB] = await Promise.all([ctxA.newPage(), ctxB.newPage()]);
  await Promise.all([openRoom(pageA, room), openRoom(pageB, room)]);
  for (const text of ['Hello wrold', 'to be removed']) {
    await pageA.locator('#composer-input').fill(text);
    await pageA.locator('#composer-input').press('Enter');
    await pageB.locator('.message[data-state="sent"]', { hasText: text }).waitFor();
  }
  expect(await shownStates(pageB)).toEqual([sent(1, 'Hello wrold'), sent(2, 'to be removed')]);
  // Bob may neither edit nor delete Alice's messages.
  expect(await pageB.locator('.message').getByRole('button').count()).toBe(0);

  await row(pageA, 1).hover();
  await row(pageA, 1).getByRole('button', { name: 'Edit' }).click();
  const editor = row(pageA, 1).getByLabel('Edit message');
  await expect.poll(() => editor.evaluate((el) => el === document.activeElement)).toBe(true);
  expect(await editor.inputValue()).toBe('Hello wrold');
  await editor.fill('Hello world');
  await editor.press('Shift+Enter');
  await editor.pressSequentially('second line');
  await screenshot(pageA, 'message-editing');
  await editor.press('Enter');
  await editor.waitFor({ state: 'detached' });
  await expect.poll(() => focused(pageA)).toBe('Edit'); // back where the edit started
  const afterEdit = [edited(1, 'Hello world\nsecond line'), sent(2, 'to be removed')];
  await expect.poll(() => shownStates(pageA)).toEqual(afterEdit);
  await expect.poll(() => shownStates(pageB)).toEqual(afterEdit);
  expect(await row(pageB, 1).locator('.message-edited').textContent()).toBe('(edited)');

  await row(pageA, 2).hover();
  await row(pageA, 2).getByRole('button', { name: 'Delete' }).click();
  const confirm = row(pageA, 2).getByRole('group', { name: 'Delete this message?' });
  await row(pageA, 1).hover(); // the other message's actions, for the screenshot
  await screenshot(pageA, 'message-confirm-delete');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  const afterDelete = [edited(1, 'Hello world\nsecond line'), deleted(2)];
  await expect.poll(() => shownStates(pageA)).toEqual(afterDelete);
  await expect.poll(() => shownStates(pageB)).toEqual(afterDelete);
  expect(await row(pageA, 2).getByRole('button').count()).toBe(0); // nothing left to do to it
  expect(await pageB.content()).not.toContain('to be removed'); // nowhere, the screen reader's live region included
  await screenshot(pageB, 'message-edited-deleted');

  await pageB.reload();
  await pageB.locator('[data-connection="connected"]').waitFor();
  await row(pageB, 2).waitFor();
  expect(await shownStates(pageB)).toEqual(afterDelete);
  expect(await pageB.content()).not.toContain('to be removed');
  await Promise.all([ctxA.close(), ctxB.close()]);
});

test('from the keyboard: Esc cancels an edit, and a deletion, without changing anything', async () => {
  const room = uniqueRoom('esc');
  const message = await send(env.server.graphqlUrl, alice.token, room, 'stays as it is');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  await row(page, 1).waitFor();

  await row(page, 1).getByRole('button', { name: 'Edit' }).focus();
  const actions = row(page, 1).getByRole('group', { name: 'Message actions' });
  expect(await actions.evaluate((el) => getComputedStyle(el).opacity)).toBe('1'); // shown while focused
  await page.keyboard.press('Enter');
  const editor = row(page, 1).getByLabel('Edit message');
  await editor.waitFor();
  await page.keyboard.type(' and more');
  expect(await editor.inputValue()).toBe('stays as it is and more');
  await page.keyboard.press('Escape');
  await editor.waitFor({ state: 'detached' });
  expect(await shownStates(page)).toEqual([sent(1, 'stays as it is')]);

  // Focus is back on Edit; Tab reaches Delete, which asks first (focus on Cancel); Esc says no.
  await expect.poll(() => focused(page)).toBe('Edit');
  await page.keyboard.press('Tab');
  expect(await focused(page)).toBe('Delete');
  await page.keyboard.press('Enter');
  const confirm = row(page, 1).getByRole('group', { name: 'Delete this message?' });
  await confirm.waitFor();
  await expect.poll(() => focused(page)).toBe('Cancel');
  await page.keyboard.press('Escape');
  await confirm.waitFor({ state: 'detached' });
  await expect.poll(() => focused(page)).toBe('Delete');

  expect(await shownStates(page)).toEqual([sent(1, 'stays as it is')]);
  const stored = await gql(env.server.graphqlUrl, 'query($id:ID!){ message(id:$id){ content editedAt deletedAt } }', { id: message.id }, alice.token);
  expect(stored.data.message).toEqual({ content: 'stays as it is', editedAt: null, deletedAt: null });
  await ctx.close();
});

test("an admin deletes someone else's message from the page; both pages show it deleted", async () => {
  const room = uniqueRoom('moderate');
  await send(env.server.graphqlUrl, bob.token, room, 'buy cheap watches');
  await send(env.server.graphqlUrl, bob.token, room, 'a fine message');
  const [ctxAdmin, ctxBob] = await Promise.all([contextFor(env.browser, env.server, admin), contextFor(env.browser, env.server, bob)]);
  const [pageAdmin, pageBob] = await Promise.all([ctxAdmin.newPage(), ctxBob.newPage()]);
  await Promise.all([openRoom(pageAdmin, room), openRoom(pageBob, room)]);
  await row(pageAdmin, 2).waitFor();

  // The admin may delete Bob's messages, not edit them.
  expect(await row(pageAdmin, 1).getByRole('button', { name: 'Edit' }).count()).toBe(0);
  await row(pageAdmin, 1).hover();
  await row(pageAdmin, 1).getByRole('button', { name: 'Delete' }).click();
  await row(pageAdmin, 1).getByRole('group', { name: 'Delete this message?' }).getByRole('button', { name: 'Delete' }).click();

  for (const page of [pageAdmin, pageBob]) {
    await expect.poll(() => shownStates(page)).toEqual([deleted(1), sent(2, 'a fine message')]);
    expect(await page.content()).not.toContain('buy cheap watches');
    expect(await row(page, 1).getByRole('button').count()).toBe(0);
  }
  await Promise.all([ctxAdmin.close(), ctxBob.close()]);
});

test('what the editor or the server refuses is said in the editor, and what was typed stays', async () => {
  const room = uniqueRoom('refused');
  const message = await send(env.server.graphqlUrl, alice.token, room, 'about to go');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  await row(page, 1).hover();
  await row(page, 1).getByRole('button', { name: 'Edit' }).click();
  const editor = row(page, 1).getByLabel('Edit message');
  const alert = row(page, 1).getByRole('alert');

  await editor.fill('   ');
  await editor.press('Enter');
  await alert.filter({ hasText: 'A message cannot be empty' }).waitFor();

  await editor.fill('my better words');
  // Deleted by an admin while the editor is open: the editor stays, with the text.
  await deleteMessage(env.server.graphqlUrl, admin.token, message.id);
  await editor.press('Enter');
  await alert.filter({ hasText: 'This message was deleted' }).waitFor();
  expect(await editor.inputValue()).toBe('my better words');

  await editor.press('Escape');
  await expect.poll(() => shownStates(page)).toEqual([deleted(1)]);
  await ctx.close();
});

test('changes made while the page was cut off reach it when it reconnects (replayed after its version)', async () => {
  const room = uniqueRoom('replay');
  const url = env.server.graphqlUrl;
  const first = await send(url, alice.token, room, 'will be edited');
  const second = await send(url, alice.token, room, 'will be deleted');
  // Bob's page has a server of its own, stopped while the changes are made through env.server.
  let own: RunningServer = await startServer({ databaseUrl: env.db.url });
  try {
    const ctx = await contextFor(env.browser, own, bob);
    const page = await ctx.newPage();
    await openRoom(page, room);
    await row(page, 2).waitFor();
    const { port } = own;
    await own.stop();
    await page.locator('[data-connection="reconnecting"]').waitFor();

    await editMessage(url, alice.token, first.id, 'edited while you were away');
    await deleteMessage(url, alice.token, second.id);
    await send(url, alice.token, room, 'posted while you were away');
    own = await startServer({ databaseUrl: env.db.url, port });
    await page.locator('[data-connection="connected"]').waitFor();
    await expect
      .poll(() => shownStates(page))
      .toEqual([edited(1, 'edited while you were away'), deleted(2), sent(3, 'posted while you were away')]);
    expect(await page.content()).not.toContain('will be deleted');
    await ctx.close();
  } finally {
    await own.stop();
  }
});

test('further behind than MAX_REPLAY_EVENTS: the page loads the newest messages again, and live ones follow', async () => {
  // A replay limit of 3 instead of 1,000: falling 1,000 changes behind takes more messages
  // than one sender's rate limit allows in a test's time. The limit, not its size, is tested.
  const limits = { MAX_REPLAY_EVENTS: '3' };
  const room = uniqueRoom('resync');
  const url = env.server.graphqlUrl;
  const first = await send(url, alice.token, room, 'will be edited');
  const second = await send(url, alice.token, room, 'will be deleted');
  await send(url, alice.token, room, 'stays');
  let own: RunningServer = await startServer({ databaseUrl: env.db.url, env: limits });
  try {
    const ctx = await contextFor(env.browser, own, bob);
    const page = await ctx.newPage();
    await openRoom(page, room);
    await row(page, 3).waitFor();
    const { port } = own;
    await own.stop();
    await page.locator('[data-connection="reconnecting"]').waitFor();

    // Four changes: one more than the server replays.
    await editMessage(url, alice.token, first.id, 'edited while you were away');
    await deleteMessage(url, alice.token, second.id);
    await send(url, alice.token, room, 'new 4');
    await send(url, alice.token, room, 'new 5');
    own = await startServer({ databaseUrl: env.db.url, port, env: limits });
    await page.locator('[data-connection="connected"]').waitFor();
    const reloaded = [edited(1, 'edited while you were away'), deleted(2), sent(3, 'stays'), sent(4, 'new 4'), sent(5, 'new 5')];
    await expect.poll(() => shownStates(page)).toEqual(reloaded);

    // The same subscription goes on with live events.
    await send(own.graphqlUrl, alice.token, room, 'live after the reload');
    await expect.poll(() => shownStates(page)).toEqual([...reloaded, sent(6, 'live after the reload')]);
    await ctx.close();
  } finally {
    await own.stop();
  }
});
