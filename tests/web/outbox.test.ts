// The room's outbox in a real browser (web/src/chat/outbox.ts, delivery-queue.ts, echo.ts):
// a send that fails on the network is kept, survives the page being closed, and is sent
// once by the next page; a send the server refuses is marked failed, with retry and discard.
// The server runs with the product's default limits: the refusal below is the default
// message rate per room.
import { expect, test } from 'vitest';
import { parseConfig } from '../../server/config.js';
import { send, uniqueRoom } from '../support/client.js';
import { contextFor, useWebEnvWithUser, openRoom, shownMessages, type TestUser, type WebEnv } from './helpers.js';

const MESSAGES_PER_MINUTE = parseConfig({}).RATE_MESSAGES_PER_MINUTE;

let env: WebEnv;
let alice: TestUser;

useWebEnvWithUser('alice', (e, a) => {
  env = e;
  alice = a;
});

test('a send lost on the network is kept in the outbox, survives closing the page, and is sent once by the next page', async () => {
  const room = uniqueRoom('outbox');
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  // Every sendMessage request of this page fails as a dropped connection would.
  await page.route('**/graphql', (route) =>
    route.request().postData()?.includes('sendMessage') ? route.abort('connectionreset') : route.continue(),
  );
  await page.locator('#composer-input').fill('kept through a reload');
  await page.keyboard.press('Enter');
  await page.locator('.message[data-state="queued"]', { hasText: 'kept through a reload' }).waitFor();
  await page.close();

  const next = await ctx.newPage();
  await openRoom(next, room);
  await next.locator('.message[data-state="sent"]', { hasText: 'kept through a reload' }).waitFor();
  await expect.poll(() => next.locator('.message:not([data-state="sent"])').count()).toBe(0);
  expect((await shownMessages(next)).map((m) => m.text)).toEqual(['kept through a reload']);
  expect(await next.evaluate((key) => localStorage.getItem(key), `chat.outbox.${room}`)).toBeNull();
  await ctx.close();
});

test('a send the server refuses is marked failed with the reason; retry tries again, discard removes it', async () => {
  const room = uniqueRoom('refused');
  for (let i = 1; i <= MESSAGES_PER_MINUTE; i++) await send(env.server.graphqlUrl, alice.token, room, `filler ${i}`);
  const ctx = await contextFor(env.browser, env.server, alice);
  const page = await ctx.newPage();
  await openRoom(page, room);
  await page.locator('#composer-input').fill('one too many');
  await page.keyboard.press('Enter');
  const failed = page.locator('.message[data-state="failed"]', { hasText: 'one too many' });
  await failed.waitFor();
  await expect(failed.getByRole('alert').textContent()).resolves.toMatch(/^Not sent: .+/);

  // Retry sends it again (a second request), and the server still says no.
  const clientId = await failed.getAttribute('data-client-id');
  const retried = page.waitForResponse((r) => !!r.request().postData()?.includes('sendMessage'));
  await failed.getByRole('button', { name: 'Retry' }).click();
  await retried;
  await expect.poll(() => page.locator(`.message[data-client-id="${clientId}"]`).getAttribute('data-state')).toBe('failed');
  await failed.getByRole('button', { name: 'Discard' }).click();
  await expect.poll(() => page.locator('.message', { hasText: 'one too many' }).count()).toBe(0);
  expect(await page.evaluate((key) => localStorage.getItem(key), `chat.outbox.${room}`)).toBeNull();
  await ctx.close();
});
