import { afterAll, beforeAll } from 'vitest';
// Browser tests' shared pieces: Debian's chromium through playwright-core, a real server
// on a fresh SQLite database, users signed in through their session cookie.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freshDatabase, type TestDatabase } from '../support/db.js';
import { root, startServer, type RunningServer, type ServerOptions } from '../support/server.js';
import { signUp, signUpAs } from '../support/client.js';
import { ensureWebBuilt } from './setup.js';

export const ARTIFACTS = join(root, 'tests', '.artifacts');

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WebEnv {
  db: TestDatabase;
  server: RunningServer;
  browser: Browser;
  close(): Promise<void>;
}

export async function startWebEnv(options: Partial<ServerOptions> = {}): Promise<WebEnv> {
  await ensureWebBuilt();
  const db = await freshDatabase('sqlite');
  const [server, browser] = await Promise.all([
    startServer({ databaseUrl: db.url, ...options }),
    launchBrowser(),
  ]);
  const env: WebEnv = {
    db,
    server,
    browser,
    async close() {
      await env.browser.close().catch(() => {});
      await env.server.stop().catch(() => {});
      await db.drop().catch(() => {});
    },
  };
  return env;
}

export interface TestUser {
  token: string;
  id: string;
  username: string;
}

export const newUser = (server: RunningServer, prefix = 'user'): Promise<TestUser> => signUp(server.graphqlUrl, prefix);

/** A browser context (its own cookie jar), signed in as `user` when given. */
export async function contextFor(
  browser: Browser,
  server: RunningServer,
  user?: TestUser,
  viewport = { width: 1280, height: 800 },
  locale = 'en-US',
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale, baseURL: server.url });
  if (user) await context.addCookies([{ name: 'session', value: user.token, url: server.url, httpOnly: true, sameSite: 'Lax' }]);
  return context;
}

/** Opens a room and waits until its history is shown and the live connection is up. */
export async function openRoom(page: Page, room: string): Promise<void> {
  await page.goto(`/chat/${encodeURIComponent(room)}/`);
  await page.locator('.messages').waitFor();
  await page.locator('[data-connection="connected"]').waitFor();
}

/** The confirmed messages on the page, in order. */
export async function shownMessages(page: Page): Promise<{ seq: number; sender: string; text: string }[]> {
  return page.locator('.message[data-state="sent"]').evaluateAll((items) =>
    items.map((li) => ({
      seq: Number(li.getAttribute('data-seq')),
      sender: li.getAttribute('data-sender') ?? '',
      text: li.querySelector('.message-text')?.textContent ?? '',
    })),
  );
}

/** The confirmed messages on the page with their edit state: "(edited)" shown (and its title), or deleted. */
export async function shownStates(
  page: Page,
): Promise<{ seq: number; text: string; edited: string | null; deleted: boolean }[]> {
  return page.locator('.message[data-state="sent"]').evaluateAll((items) =>
    items.map((li) => ({
      seq: Number(li.getAttribute('data-seq')),
      text: li.querySelector('.message-text')?.textContent ?? '',
      edited: li.querySelector('.message-edited')?.getAttribute('title') ?? null,
      deleted: li.hasAttribute('data-deleted'),
    })),
  );
}

export async function sendRest(server: RunningServer, username: string, room: string, message: string): Promise<number> {
  const res = await fetch(`${server.url}/chat/api/send_message/${encodeURIComponent(room)}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${username}:correct horse battery`).toString('base64')}`,
    },
    body: JSON.stringify({ message }),
  });
  const body = (await res.json()) as { message?: { seq: number }; error?: string };
  if (res.status !== 200 || !body.message) throw new Error(`REST send failed: ${res.status} ${JSON.stringify(body)}`);
  return body.message.seq;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** A user with a chosen name (for screenshots that look like a real room). */
export const namedUser = (server: RunningServer, username: string): Promise<TestUser> => signUpAs(server.graphqlUrl, username);

/** Runs `tasks` with at most `limit` at once. */
export async function inParallel<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]();
      }
    }),
  );
  return results;
}

/**
 * For a test file: a web environment (server + Chromium) and a signed-up user `name`,
 * started before its tests and closed after them; `ready` receives both.
 */
export function useWebEnvWithUser(name: string, ready: (env: WebEnv, user: TestUser) => void) {
  let env: WebEnv | undefined;
  beforeAll(async () => {
    env = await startWebEnv();
    ready(env, await newUser(env.server, name));
  });
  afterAll(() => env?.close());
}
