// GraphiQL at /graphql works offline (no request leaves localhost) and runs a
// messageAdded subscription over the WebSocket: a message sent through REST shows up in
// its result pane.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { uniqueRoom } from '../support/client.js';
import { contextFor, newUser, sendRest, startWebEnv, type WebEnv } from './helpers.js';

let env: WebEnv;
beforeAll(async () => {
  env = await startWebEnv();
});
afterAll(() => env?.close());

const LOCAL = /^(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|^(data|blob):/;

test('GraphiQL loads with no outside request and receives a messageAdded subscription', async () => {
  const user = await newUser(env.server, 'graphiql');
  const room = uniqueRoom('graphiql');
  const ctx = await contextFor(env.browser, env.server);
  const page = await ctx.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('websocket', (ws) => requests.push(ws.url()));

  const query = `subscription { messageAdded(room: "${room}") { seq content sender { username } } }`;
  await page.goto(`/graphql?query=${encodeURIComponent(query)}`);
  await page.locator('.graphiql-container').first().waitFor({ timeout: 20_000 });
  const run = page.locator('.graphiql-execute-button').first();
  await run.waitFor();
  // The editor holds our subscription once GraphiQL has read ?query=.
  await expect.poll(() => page.locator('.graphiql-query-editor').first().textContent(), { timeout: 10_000 }).toContain('messageAdded');
  await run.click();

  // Keep sending until the subscription (live only) has started and shows one.
  const response = page.locator('.graphiql-response').first();
  // Monaco draws spaces as no-break spaces.
  const resultText = async () => ((await response.textContent()) ?? '').replace(/\s+/g, ' ');
  const deadline = Date.now() + 15_000;
  let n = 0;
  while (!(await resultText()).includes('from REST into GraphiQL')) {
    if (Date.now() > deadline) throw new Error(`no message in the result pane: ${await resultText()}`);
    await sendRest(env.server, user.username, room, `from REST into GraphiQL ${++n}`);
    await page.waitForTimeout(300);
  }
  expect(await resultText()).toContain(user.username);

  const outside = requests.filter((url) => !LOCAL.test(url));
  expect(outside).toEqual([]);
  expect(requests.some((url) => url.startsWith('ws://127.0.0.1'))).toBe(true);
  await ctx.close();
});
