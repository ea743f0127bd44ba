// ?next= after sign-in (web/src/safe-next.ts): only a same-origin path, checked as the
// browser parses it. Node's URL is the same WHATWG parser the browser uses;
// tests/web/sign-in-next.test.ts signs in through the real page.
import { describe, expect, test } from 'vitest';
import { DEFAULT_NEXT, safeNext } from '../../web/src/safe-next.js';

const origin = 'https://chat.example';

describe('safeNext', () => {
  test('paths on this site are kept, query and fragment included', () => {
    expect(safeNext('/chat/', origin)).toBe('/chat/');
    expect(safeNext('/chat/lobby/?from=signin#end', origin)).toBe('/chat/lobby/?from=signin#end');
    expect(safeNext('/chat/%E8%81%8A/', origin)).toBe('/chat/%E8%81%8A/');
  });

  test('anything that reaches another host, or is no path, gives the default', () => {
    const refused = [
      '/\t/evil.test/', // the reported one: the tab is dropped, leaving //evil.test/
      '/\n/evil.test/',
      '/\r\n/evil.test/',
      '//evil.test/',
      '/\\evil.test/',
      '\\/evil.test/',
      '/\\/evil.test/',
      '/./..//evil.test/', // resolves to the path //evil.test/, another host once assigned
      'http://evil.test/',
      `${origin}@evil.test/`,
      'javascript:alert(1)',
      ' /chat/',
      'chat/',
      '',
      null,
      undefined,
    ];
    for (const next of refused) expect(safeNext(next, origin), JSON.stringify(next)).toBe(DEFAULT_NEXT);
  });

  test('what is returned parses to this origin again (what location.assign will do)', () => {
    for (const next of ['/a/../b', '/%2F%2Fevil.test/', '/a\tb', '/chat/x/?next=//evil.test']) {
      const kept = safeNext(next, origin);
      expect(new URL(kept, origin).origin, JSON.stringify(next)).toBe(origin);
      expect(kept.startsWith('//'), JSON.stringify(next)).toBe(false);
    }
  });
});
