// The composer and the server's message limit, in a real browser: the page learns the
// limit from the server (the `limits` query), counts code points as the server does, never
// cuts what was typed or pasted, and says when a message is too long instead of sending it
// (screenshot: tests/.artifacts/composer-too-long.png).
import { expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { uniqueRoom } from '../support/client.js';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { startServer, type RunningServer } from '../support/server.js';
import { contextFor, useWebEnvWithUser, newUser, openRoom, screenshot, shownMessages, type TestUser, type WebEnv } from './helpers.js';

let env: WebEnv;
let alice: TestUser;

useWebEnvWithUser('alice', (e, a) => {
  env = e;
  alice = a;
});

/** Puts `text` into the composer as typing or pasting does (an input event, subject to maxlength). */
async function paste(page: Page, text: string): Promise<void> {
  const input = page.locator('#composer-input');
  await input.fill('');
  await input.focus();
  await page.keyboard.insertText(text);
}

const composerValue = (page: Page) => page.locator('#composer-input').inputValue();

test('default limit (4,000 code points): 3,000 emoji (6,000 UTF-16 units) are kept whole and sent', async () => {
  const room = uniqueRoom('emoji');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  const text = '😀'.repeat(3000);
  await paste(page, text);
  expect((await composerValue(page)).length).toBe(6000);
  await page.locator('#composer-input').press('Enter');
  await expect.poll(async () => (await shownMessages(page)).map((m) => m.text)).toEqual([text]);
  await ctx.close();
});

test('over the default limit: nothing is cut, the page says so, nothing is sent until it fits', async () => {
  const room = uniqueRoom('toolong');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  const tooLong = `${'a'.repeat(3999)}bc`; // 4,001
  await paste(page, tooLong);
  expect(await composerValue(page)).toBe(tooLong);
  await expect.poll(() => page.locator('.composer-too-long').textContent()).toBe('Too long to send: the limit is 4000 characters.');
  expect(await page.locator('.composer-count').textContent()).toBe('4001 / 4000');
  await screenshot(page, 'composer-too-long');
  expect(await page.locator('#composer-input').getAttribute('aria-invalid')).toBe('true');
  expect(await page.locator('.composer-send').isDisabled()).toBe(true);
  await page.locator('#composer-input').press('Enter');
  expect(await composerValue(page)).toBe(tooLong);
  expect(await page.locator('.message').count()).toBe(0);

  // One character less fits: the counter says so, and this (not the long one) is what arrives.
  await page.locator('#composer-input').press('Backspace');
  await expect.poll(() => page.locator('.composer-count').textContent()).toBe('4000 / 4000');
  expect(await page.locator('.composer-too-long').textContent()).toBe('');
  expect(await page.locator('#composer-input').getAttribute('aria-invalid')).toBe('false');
  await page.locator('#composer-input').press('Enter');
  await expect.poll(async () => (await shownMessages(page)).map((m) => m.text)).toEqual([tooLong.slice(0, 4000)]);
  expect(await page.locator('.message').count()).toBe(1);
  await ctx.close();
});

test('a server with another MAX_MESSAGE_LENGTH: the page uses that limit, in code points', async () => {
  // The limit is the subject here, so this server runs with a non-default one.
  let db: TestDatabase | undefined;
  let server: RunningServer | undefined;
  try {
    db = await freshDatabase('sqlite');
    server = await startServer({ databaseUrl: db.url, env: { MAX_MESSAGE_LENGTH: '100' } });
    const bob = await newUser(server, 'bob');
    const room = uniqueRoom('small');
    const ctx = await contextFor(env.browser, server, bob);
    const page = await ctx.newPage();
    await openRoom(page, room);

    await paste(page, '😀'.repeat(101));
    await expect.poll(() => page.locator('.composer-too-long').textContent()).toBe('Too long to send: the limit is 100 characters.');
    expect(await page.locator('.composer-count').textContent()).toBe('101 / 100');
    expect(await page.locator('.composer-send').isDisabled()).toBe(true);

    const fits = '😀'.repeat(100); // 200 UTF-16 units, 100 code points: the server takes it
    await paste(page, fits);
    await expect.poll(() => page.locator('.composer-count').textContent()).toBe('100 / 100');
    await page.locator('#composer-input').press('Enter');
    await expect.poll(async () => (await shownMessages(page)).map((m) => m.text)).toEqual([fits]);
    await ctx.close();
  } finally {
    await server?.stop();
    await db?.drop();
  }
});
