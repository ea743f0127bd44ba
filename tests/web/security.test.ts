// The security headers in a real browser: the chat page and GraphiQL work under their
// Content-Security-Policy without a single violation, and a page of another origin on
// the same site (127.0.0.1, another port: the session cookie is sent) cannot show the
// signed-in app in a frame (frame-ancestors 'none', X-Frame-Options: DENY).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { uniqueRoom } from '../support/client.js';
import { contextFor, newUser, openRoom, startWebEnv, type WebEnv } from './helpers.js';

let env: WebEnv;
let framer: Server;
let framerUrl: string;
beforeAll(async () => {
  env = await startWebEnv();
  framer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>framer</title>
      <iframe id="f" src="${env.server.url}/chat/" width="800" height="600" onload="window.frameLoaded = true"></iframe>`);
  });
  await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
  framerUrl = `http://127.0.0.1:${(framer.address() as { port: number }).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => framer?.close(resolve));
  await env?.close();
});

test('the chat page and GraphiQL run under their CSP with no violation', async () => {
  const user = await newUser(env.server, 'csp');
  const ctx = await contextFor(env.browser, env.server, user);
  const page = await ctx.newPage();
  const violations: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
  });
  await openRoom(page, uniqueRoom('csp'));
  const workers: string[] = [];
  page.on('worker', (w) => workers.push(w.url()));
  await page.goto('/graphql');
  await page.locator('.graphiql-container').first().waitFor({ timeout: 20_000 });
  await page.locator('.graphiql-execute-button').first().waitFor();
  // The editor's workers (started from blob: URLs) offer completions as one types.
  await page.locator('.graphiql-query-editor').first().click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('{ me');
  await expect.poll(() => workers.length, { timeout: 10_000 }).toBeGreaterThan(0);
  // The completion list the workers computed (running queries is tests/web/graphiql.test.ts's).
  await page.locator('.suggest-widget').first().waitFor({ timeout: 10_000 });
  expect(violations).toEqual([]);
  await ctx.close();
});

test('a same-site page of another origin cannot frame the signed-in app', async () => {
  const user = await newUser(env.server, 'framed');
  const ctx = await contextFor(env.browser, env.server, user);
  const page = await ctx.newPage();
  const refused: string[] = [];
  page.on('console', (m) => {
    if (/frame-ancestors|X-Frame-Options/i.test(m.text())) refused.push(m.text());
  });
  await page.goto(framerUrl);
  // The frame's load event fires for the app and for the browser's error page alike.
  await page.waitForFunction(() => (window as unknown as { frameLoaded?: boolean }).frameLoaded === true, undefined, { timeout: 15_000 });
  const frame = page.frames().find((f) => f !== page.mainFrame())!;
  const appElements = await frame
    .locator('#app *')
    .count()
    .catch(() => 0);
  expect(appElements, `frame at ${frame.url()} shows the app`).toBe(0);
  expect(refused.length).toBeGreaterThan(0);
  await ctx.close();
});
