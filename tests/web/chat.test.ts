// The web client in a real browser against a real server: live chat between two users,
// REST messages, history paging, signing in from a room, text that looks like HTML, and
// screenshots of the pages (tests/.artifacts/).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { send, uniqueRoom } from '../support/client.js';
import {
  contextFor,
  inParallel,
  namedUser,
  newUser,
  openRoom,
  screenshot,
  sendRest,
  shownMessages,
  startWebEnv,
  type TestUser,
  type WebEnv,
} from './helpers.js';

let env: WebEnv;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  env = await startWebEnv();
  [alice, bob] = await Promise.all([newUser(env.server, 'alice'), newUser(env.server, 'bob')]);
});
afterAll(() => env?.close());

const message = (page: Page, text: string) => page.locator('.message[data-state="sent"]', { hasText: text });

describe('web client', () => {
  test('two users chat live in a room', async () => {
    const room = uniqueRoom('live');
    const [ctxA, ctxB] = await Promise.all([contextFor(env.browser, env.server, alice), contextFor(env.browser, env.server, bob)]);
    const [pageA, pageB] = await Promise.all([ctxA.newPage(), ctxB.newPage()]);
    await Promise.all([openRoom(pageA, room), openRoom(pageB, room)]);
    expect(await pageA.title()).toBe(`Room: ${room}`);

    await pageA.locator('#composer-input').fill('Hello from Alice');
    await pageA.locator('#composer-input').press('Enter');
    // A's own copy shows at once (pending, then settled); B gets it live. (How fast is the
    // benchmark's business, not a test's: a loaded CI machine must not fail here.)
    await pageA.locator('.message', { hasText: 'Hello from Alice' }).waitFor({ timeout: 5000 });
    await message(pageB, 'Hello from Alice').waitFor({ timeout: 5000 });
    expect(await message(pageB, 'Hello from Alice').getAttribute('data-sender')).toBe(alice.username);
    await expect.poll(() => pageA.locator('#composer-input').inputValue()).toBe('');

    await pageB.locator('#composer-input').fill('Hi Alice, Bob here');
    await pageB.locator('.composer-send').click();
    await message(pageA, 'Hi Alice, Bob here').waitFor({ timeout: 5000 });
    expect(await message(pageA, 'Hi Alice, Bob here').getAttribute('data-sender')).toBe(bob.username);

    // Settled: each page shows each message once, confirmed, nothing left pending.
    await expect.poll(() => pageA.locator('.message:not([data-state="sent"])').count()).toBe(0);
    for (const page of [pageA, pageB]) {
      expect((await shownMessages(page)).map((m) => m.text)).toEqual(['Hello from Alice', 'Hi Alice, Bob here']);
    }
    await Promise.all([ctxA.close(), ctxB.close()]);
  });

  test('a message sent through the REST endpoint appears in an open page', async () => {
    const room = uniqueRoom('rest');
    const ctx = await contextFor(env.browser, env.server, alice);
    const page = await ctx.newPage();
    await openRoom(page, room);
    const seq = await sendRest(env.server, bob.username, room, 'Sent by a script');
    await message(page, 'Sent by a script').waitFor({ timeout: 2000 });
    expect(await shownMessages(page)).toEqual([{ seq, sender: bob.username, text: 'Sent by a script' }]);
    await ctx.close();
  });

  test('history: the newest 50, then "load older" back to the first, in order, once each', async () => {
    const room = uniqueRoom('history');
    // Three people wrote the history (one may send at most 60 messages a minute to a room).
    const writers = await Promise.all([1, 2, 3].map(() => newUser(env.server, 'writer')));
    await inParallel(
      6,
      Array.from({ length: 120 }, (_, i) => () => send(env.server.graphqlUrl, writers[i % 3].token, room, `history message ${i + 1}`)),
    );
    const ctx = await contextFor(env.browser, env.server, alice);
    const page = await ctx.newPage();
    await openRoom(page, room);
    const seqs = async () => (await shownMessages(page)).map((m) => m.seq);
    expect(await seqs()).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
    // The newest message is in view (scrolled to the bottom).
    await expect.poll(() => page.locator('.message[data-seq="120"]').isVisible()).toBe(true);

    const older = page.getByRole('button', { name: 'Load older messages' });
    await older.click();
    await expect.poll(seqs).toEqual(Array.from({ length: 100 }, (_, i) => 21 + i));
    await older.click();
    await expect.poll(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await expect(page.getByText('This is the beginning of the room.').isVisible()).resolves.toBe(true);
    expect(await older.count()).toBe(0);
    const texts = (await shownMessages(page)).map((m) => m.text);
    expect(new Set(texts).size).toBe(120);
    await ctx.close();
  });

  test('signed out: the input is disabled, and signing in returns to the room', async () => {
    const room = uniqueRoom('signin');
    const ctx = await contextFor(env.browser, env.server);
    const page = await ctx.newPage();
    await openRoom(page, room);
    await expect(page.locator('#composer-input').isDisabled()).resolves.toBe(true);
    await page.locator('.composer-sign-in').click();
    await page.waitForURL((url) => url.pathname === '/accounts/signin/');
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/chat/${room}/`);

    await page.getByLabel('Username').fill(alice.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor(); // explained on the page, no alert()
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === `/chat/${room}/`);
    await page.locator('[data-connection="connected"]').waitFor();
    await expect(page.locator('#composer-input').isEnabled()).resolves.toBe(true);
    await page.locator('#composer-input').fill('Signed in and writing');
    await page.keyboard.press('Enter');
    await message(page, 'Signed in and writing').waitFor({ timeout: 2000 });
    expect(await message(page, 'Signed in and writing').getAttribute('data-sender')).toBe(alice.username);
    await ctx.close();
  });

  test('message text is text: no HTML injection; http(s) links are links', async () => {
    const room = uniqueRoom('xss');
    const ctx = await contextFor(env.browser, env.server, alice);
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await openRoom(page, room);
    const html = '<img src=x onerror=alert(1)>';
    await send(env.server.graphqlUrl, bob.token, room, html);
    await page.locator('#composer-input').fill(`${html} <b>bold</b> see https://example.com/a?b=1 and javascript:alert(2)`);
    await page.keyboard.press('Enter');
    await message(page, 'see https://example.com').waitFor({ timeout: 2000 });

    await expect(page.getByText(html, { exact: true }).isVisible()).resolves.toBe(true);
    expect(await page.locator('.messages img, .messages b').count()).toBe(0);
    const links = await page.locator('.message-text a').evaluateAll((as) =>
      as.map((a) => ({ href: a.getAttribute('href'), rel: a.getAttribute('rel'), target: a.getAttribute('target') })),
    );
    expect(links).toEqual([{ href: 'https://example.com/a?b=1', rel: 'noopener noreferrer', target: '_blank' }]);
    await page.waitForTimeout(200);
    expect(dialogs).toEqual([]);
    await ctx.close();
  });

  test('invalid room names are explained inline on the index page', async () => {
    const ctx = await contextFor(env.browser, env.server);
    const page = await ctx.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => void dialogs.push(d.message()));
    await page.goto('/');
    await page.waitForURL((url) => url.pathname === '/chat/');
    await page.getByLabel('Room name').fill('no spaces allowed');
    await page.getByLabel('Room name').press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toContain('1–64 characters');
    await expect(page.getByLabel('Room name').getAttribute('aria-invalid')).resolves.toBe('true');
    await page.getByLabel('Room name').fill('lobby');
    await page.getByRole('button', { name: 'Open room' }).click();
    await page.waitForURL((url) => url.pathname === '/chat/lobby/');
    expect(dialogs).toEqual([]);
    await ctx.close();
  });

  test('the index lists active rooms and updates them live; screenshots', async () => {
    const room = 'general';
    const people = await Promise.all(['Mei-Ling', 'Tomás', 'Priya'].map((name) => namedUser(env.server, name)));
    const [mei, tomas, priya] = people;
    const script: [TestUser, string][] = [
      [mei, 'Morning all! Is the deploy still planned for 3pm?'],
      [tomas, 'Yes — the release notes are here: https://example.com/releases/2.4'],
      [tomas, 'I will post in here once it is out.'],
      [priya, 'Great. I moved the design review to Thursday so we do not clash.'],
      [mei, 'Thanks Priya 🙏'],
    ];
    for (const [user, text] of script) await send(env.server.graphqlUrl, user.token, room, text);
    await send(env.server.graphqlUrl, priya.token, 'design-review', 'Agenda: navigation, empty states, dark mode.');
    await send(env.server.graphqlUrl, tomas.token, 'random', 'Anyone up for lunch at the noodle place?');

    for (const [name, viewport, locale] of [
      ['desktop', { width: 1280, height: 800 }, 'en-US'],
      ['phone', { width: 390, height: 844 }, 'en-US'],
      ['phone-zh', { width: 390, height: 844 }, 'zh-TW'],
    ] as const) {
      const ctx = await contextFor(env.browser, env.server, mei, viewport, locale);
      const page = await ctx.newPage();
      await page.goto('/chat/');
      await page.locator('[data-connection="connected"]').waitFor();
      await page.locator('.room-item[data-room="general"]').waitFor();
      if (name === 'desktop') {
        // Live: activity in another room moves it to the top with its last message.
        await send(env.server.graphqlUrl, priya.token, 'design-review', 'Updated the agenda.');
        await expect
          .poll(() => page.locator('.room-item').first().textContent(), { timeout: 2000 })
          .toContain('Updated the agenda.');
        expect(await page.title()).toBe('Chat rooms');
      }
      await screenshot(page, `index-${name}`);
      await openRoom(page, room);
      expect(await page.title()).toBe(locale === 'zh-TW' ? `聊天室: ${room}` : `Room: ${room}`);
      await page.locator('#composer-input').fill(locale === 'zh-TW' ? '我馬上到會議室。' : 'On my way to the review.');
      await screenshot(page, `room-${name}`);
      if (locale === 'zh-TW') {
        // The language switch wins over navigator.language, and is remembered.
        await page.getByRole('button', { name: 'English' }).click();
        expect(await page.title()).toBe(`Room: ${room}`);
        await page.reload();
        await page.locator('.messages').waitFor();
        expect(await page.title()).toBe(`Room: ${room}`);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
      }
      await ctx.close();
    }
  });
});
