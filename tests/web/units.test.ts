// The web client's pure pieces, without a browser: backoff, links, room names, language.
import { describe, expect, test } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelay } from '../../web/src/connection.js';
import { linkify } from '../../web/src/chat/linkify.js';
import { roomName } from '../../web/src/chat/rules.js';
import { detectLocale } from '../../web/src/i18n.js';
import { isRoomName, roomName as serverRoomName } from '../../server/chat/rules.js';

describe('web client units', () => {
  test('backoff grows exponentially with jitter and is capped at 30 s', () => {
    expect(backoffDelay(0, () => 0)).toBe(250);
    expect(backoffDelay(0, () => 1)).toBe(500);
    expect(backoffDelay(3, () => 0)).toBe(2000);
    expect(backoffDelay(3, () => 1)).toBe(4000);
    for (const n of [10, 20, 1000, Infinity]) {
      expect(backoffDelay(n, () => 1)).toBe(BACKOFF_CAP_MS);
      expect(backoffDelay(n, () => 0)).toBe(BACKOFF_CAP_MS / 2);
    }
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelay(4)));
    expect(samples.size).toBeGreaterThan(1);
  });

  test('linkify finds http(s) links only and leaves sentence punctuation out', () => {
    expect(linkify('see https://example.com/a?b=1, and (http://x.org/y).')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', and (' },
      { kind: 'link', text: 'http://x.org/y', href: 'http://x.org/y' },
      { kind: 'text', text: ').' },
    ]);
    expect(linkify('https://en.wikipedia.org/wiki/Foo_(bar)')[0]).toMatchObject({ kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
    expect(linkify('javascript:alert(1) ftp://x <a href="https://e.com">')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) ftp://x <a href="' },
      { kind: 'link', text: 'https://e.com', href: 'https://e.com/' },
      { kind: 'text', text: '">' },
    ]);
  });

  test('the client-side room-name rule agrees with the server (server/chat/rules.ts), spaces included', () => {
    const names = ['general', 'a', 'x'.repeat(64), 'x'.repeat(65), '', ' ', 'two words', 'dash-and_under', '聊天室', 'café', 'a/b', 'a.b', '😀', 'Ünïcödé'];
    // Where a trimming client and the server used to differ: spaces around a valid name.
    const spaced = [' general', 'general ', '\tgeneral\n', '\u00a0general', 'general\u3000', ' '.repeat(3) + 'x'.repeat(64)];
    // NFD input: both answer the same NFC name ('e' + U+0301 becomes 'é').
    const decomposed = ['cafe\u0301', 'e\u0301'.repeat(64)];
    for (const name of [...names, ...spaced, ...decomposed]) {
      expect(roomName(name) !== null, JSON.stringify(name)).toBe(isRoomName(name));
      if (isRoomName(name)) expect(roomName(name)).toBe(serverRoomName(name));
    }
    for (const name of spaced) expect(roomName(name), JSON.stringify(name)).toBeNull();
    expect(roomName('cafe\u0301')).toBe('caf\u00e9');
  });

  test('language: a saved choice, else navigator.language; Chinese means zh-Hant', () => {
    expect(detectLocale(null, ['zh-TW', 'en'])).toBe('zh-Hant');
    expect(detectLocale(null, ['zh-HK'])).toBe('zh-Hant');
    expect(detectLocale(null, ['en-GB', 'zh-TW'])).toBe('en');
    expect(detectLocale(null, ['fr-FR'])).toBe('en');
    expect(detectLocale('en', ['zh-TW'])).toBe('en');
    expect(detectLocale('zh-Hant', ['en-US'])).toBe('zh-Hant');
  });
});
