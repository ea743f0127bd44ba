// A server restart under an open room page: the status line goes to "reconnecting" and
// back to "connected"; messages other clients sent while the page was cut off appear
// exactly once, in order (roomEvents resumes after the last version the page applied); a
// message typed while the server was down is sent after the reconnect, once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { send, uniqueRoom } from '../support/client.js';
import { startServer } from '../support/server.js';
import { contextFor, newUser, openRoom, sendRest, shownMessages, startWebEnv, type WebEnv } from './helpers.js';

let env: WebEnv;
beforeAll(async () => {
  env = await startWebEnv();
});
afterAll(() => env?.close());

test('server restart: reconnecting → connected, no message missed or doubled, queued send delivered', async () => {
  const [reader, writer] = await Promise.all([newUser(env.server, 'reader'), newUser(env.server, 'writer')]);
  const room = uniqueRoom('restart');
  for (let i = 1; i <= 3; i++) await send(env.server.graphqlUrl, writer.token, room, `before ${i}`);

  const ctx = await contextFor(env.browser, env.server, reader);
  const page = await ctx.newPage();
  await openRoom(page, room);
  await sendRest(env.server, writer.username, room, 'live before restart');
  await page.locator(".message[data-seq=\"4\"]").waitFor({ timeout: 5000 });

  const { port } = env.server;
  await env.server.stop();
  const status = page.locator('.connection');
  await page.locator('[data-connection="reconnecting"]').waitFor({ timeout: 5000 });
  await expect(status.textContent()).resolves.toMatch(/Reconnecting|Connection lost/);

  // Typed while the server is down: shown at once, kept, sent after the reconnect.
  await page.locator('#composer-input').fill('typed while offline');
  await page.keyboard.press('Enter');
  await page.locator('.message[data-state="queued"]', { hasText: 'typed while offline' }).waitFor({ timeout: 5000 });

  env.server = await startServer({ databaseUrl: env.db.url, port });
  // Sent by another client right away, while the page is (most likely) still waiting out its backoff.
  for (let i = 1; i <= 3; i++) await sendRest(env.server, writer.username, room, `while down ${i}`);

  await page.locator('[data-connection="connected"]').waitFor({ timeout: 20_000 });
  // The queued message goes out once connected; wait for it, so that the next one is last.
  await page.locator('.message[data-state="sent"]', { hasText: 'typed while offline' }).waitFor({ timeout: 10_000 });
  await sendRest(env.server, writer.username, room, 'after reconnect');
  await page.locator('.message[data-state="sent"]', { hasText: 'after reconnect' }).waitFor({ timeout: 5000 });
  await expect.poll(() => page.locator('.message:not([data-state="sent"])').count(), { timeout: 5000 }).toBe(0);

  const shown = await shownMessages(page);
  expect(shown.map((m) => m.seq)).toEqual(shown.map((_, i) => i + 1));
  const texts = shown.map((m) => m.text);
  expect(texts.slice(0, 4)).toEqual(['before 1', 'before 2', 'before 3', 'live before restart']);
  expect(texts.filter((t) => t.startsWith('while down'))).toEqual(['while down 1', 'while down 2', 'while down 3']);
  expect(texts.filter((t) => t === 'typed while offline')).toHaveLength(1);
  expect(texts.at(-1)).toBe('after reconnect');
  expect(texts).toHaveLength(9);
  await ctx.close();
});
