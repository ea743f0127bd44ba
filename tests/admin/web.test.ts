// /admin/ in Chromium: admins see the header link and the page; they find a user by
// search, disable them (after confirming) and make another user an admin; the list and
// the moderation log show it; the disabled user's credentials stop working. A user who is
// not an admin sees no link and is told the page is for admins.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { gql } from '../support/client.js';
import { contextFor, newUser, startWebEnv, type TestUser, type WebEnv } from '../web/helpers.js';
import { createAdmin } from './helpers.js';

let env: WebEnv;
let root: TestUser;
let bob: TestUser;
let carol: TestUser;

beforeAll(async () => {
  env = await startWebEnv();
  root = await createAdmin(env.db.url, env.server.graphqlUrl);
  bob = await newUser(env.server, 'bob');
  carol = await newUser(env.server, 'carol');
}, 120_000);
afterAll(() => env?.close());

test('an admin disables one user and promotes another from /admin/', { timeout: 120_000 }, async () => {
  const ctx = await contextFor(env.browser, env.server, root);
  const page = await ctx.newPage();
  await page.goto('/chat/');
  await page.getByRole('link', { name: 'Admin' }).click();
  await page.waitForURL('**/admin/');
  await page.getByRole('heading', { name: 'Users' }).waitFor();

  await page.getByLabel('Search users').fill(bob.username.toUpperCase());
  const bobRow = page.locator(`.admin-user[data-username="${bob.username}"]`);
  await bobRow.waitFor();
  await page.locator('.admin-user').nth(1).waitFor({ state: 'detached' }); // only bob matches
  page.once('dialog', (dialog) => void dialog.accept());
  await bobRow.getByRole('button', { name: 'Disable' }).click();
  await bobRow.getByText('Disabled', { exact: true }).waitFor();
  await page.locator('.admin-log-entry[data-action="disableUser"]').getByText(`${root.username} disabled ${bob.username}`).waitFor();
  expect((await gql(env.server.graphqlUrl, '{ me { id } }', {}, bob.token)).status).toBe(401); // his session ended

  await page.getByLabel('Search users').fill('carol');
  const carolRow = page.locator(`.admin-user[data-username="${carol.username}"]`);
  await carolRow.getByRole('button', { name: 'Make admin' }).click();
  await carolRow.getByRole('button', { name: 'Remove admin' }).waitFor();
  await page.locator('.admin-log-entry').first().getByText(`${root.username} made ${carol.username} an admin`).waitFor();
  expect((await gql(env.server.graphqlUrl, '{ me { role } }', {}, carol.token)).data.me.role).toBe('ADMIN');
  await ctx.close();
});

test('a user who is not an admin sees no link, and the page says it is for admins', { timeout: 60_000 }, async () => {
  const dave = await newUser(env.server, 'dave');
  const ctx = await contextFor(env.browser, env.server, dave);
  const page = await ctx.newPage();
  await page.goto('/chat/');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
  await page.goto('/admin/');
  await page.getByText('Only admins can open this page.').waitFor();
  expect(await page.locator('.admin-user').count()).toBe(0);
  await ctx.close();
});
