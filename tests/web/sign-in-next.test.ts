// ?next= after signing in, in a real browser: only a path on this site is followed. The
// attack from issue 8 (finding 10): "/\t/evil.test/" looks like a path, but the browser drops
// the tab and reads "//evil.test/", another host. evil.test is answered by the browser
// context itself (context.route), so a page that follows it lands there observably.
import { expect, test } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { contextFor, useWebEnvWithUser, type TestUser, type WebEnv } from './helpers.js';

let env: WebEnv;
let alice: TestUser;

useWebEnvWithUser('alice', (e, a) => {
  env = e;
  alice = a;
});

async function evilAware(): Promise<BrowserContext> {
  const ctx = await contextFor(env.browser, env.server);
  await ctx.route(/^https?:\/\/evil\.test\//, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<title>evil</title><p>another site</p>' }),
  );
  return ctx;
}

/** Signs in through the form and returns where the browser went afterwards. */
async function signInVia(page: Page, signInUrl: string): Promise<URL> {
  await page.goto(signInUrl);
  await page.getByLabel('Username').fill(alice.username);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/accounts/') || url.host !== new URL(env.server.url).host);
  return new URL(page.url());
}

test('sign-in with ?next= pointing at another host (tab trick) stays on this site', async () => {
  const ctx = await evilAware();
  const page = await ctx.newPage();
  const landed = await signInVia(page, '/accounts/signin/?next=%2F%09%2Fevil.test%2F');
  expect(landed.origin).toBe(env.server.url);
  expect(landed.pathname).toBe('/chat/');
  await ctx.close();
});

test('other ways to spell another host are refused too; a path on this site is followed', async () => {
  const ctx = await evilAware();
  const page = await ctx.newPage();
  for (const next of ['//evil.test/', '/\\evil.test/', '/\n/evil.test/', 'http://evil.test/']) {
    const landed = await signInVia(page, `/accounts/signin/?next=${encodeURIComponent(next)}`);
    expect(landed.href, JSON.stringify(next)).toBe(`${env.server.url}/chat/`);
    await page.context().clearCookies();
  }
  const landed = await signInVia(page, `/accounts/signin/?next=${encodeURIComponent('/chat/lobby/?from=signin#end')}`);
  expect(landed.href).toBe(`${env.server.url}/chat/lobby/?from=signin#end`);
  await ctx.close();
});
