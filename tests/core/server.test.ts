// The server as an operator meets it: configuration errors, GraphiQL, the printed schema.
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/db.js';
import { root, startServer } from '../support/server.js';
import { send, signUp, uniqueRoom } from '../support/client.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

const run = (script: string, args: string[] = []) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: root, encoding: 'utf8' });

describe('server', () => {
  it('schema.graphql is the schema printed from the code', () => {
    const check = run('scripts/print-schema.ts', ['--check']);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });

  it('refuses to start with a bad setting, naming the variable', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['DATABASE_URL', 'mysql://x'],
      ['MAX_MESSAGE_LENGTH', '0'],
      ['REDIS_URL', 'localhost:6379'],
    ]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: 'file:/tmp/never-used.db', [name]: value },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status, name).toBe(78);
      expect(r.stderr).toContain(name);
    }
  });

  it('serves GraphiQL with every asset inline, and subscriptions over WebSocket', async () => {
    const db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const server = await startServer({ databaseUrl: db.url });
    cleanup.push(() => server.stop());
    const res = await fetch(server.graphqlUrl, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Chat API');
    // No <script src> or stylesheet <link> pointing at another host.
    const external = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*["'](https?:)?\/\/[^"']+/gi)].map((m) => m[0]);
    expect(external).toEqual([]);
    expect(html).toMatch(/subscriptionsProtocol["']?\s*:\s*["']WS/);
  });

  it('also serves subscriptions over HTTP (server-sent events), with replay then live', async () => {
    const db = await freshDatabase('sqlite');
    cleanup.push(() => db.drop());
    const server = await startServer({ databaseUrl: db.url });
    cleanup.push(() => server.stop());
    const dana = await signUp(server.graphqlUrl, 'dana');
    const room = uniqueRoom('sse');
    await send(server.graphqlUrl, dana.token, room, 'stored before');

    const query = `subscription { messageAdded(room: "${room}", after: 0) { seq content } }`;
    const abort = new AbortController();
    const res = await fetch(`${server.graphqlUrl}?query=${encodeURIComponent(query)}`, {
      headers: { accept: 'text/event-stream' },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const seen: { seq: number; content: string }[] = [];
    let buffer = '';
    const read = async (n: number) => {
      while (seen.length < n) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        for (const match of buffer.matchAll(/^data: (.+)$/gm)) {
          const payload = JSON.parse(match[1]).data?.messageAdded;
          if (payload && !seen.some((m) => m.seq === payload.seq)) seen.push(payload);
        }
      }
    };
    await read(1);
    await send(server.graphqlUrl, dana.token, room, 'live after');
    await read(2);
    abort.abort();
    expect(seen).toEqual([
      { seq: 1, content: 'stored before' },
      { seq: 2, content: 'live after' },
    ]);
  });
});
