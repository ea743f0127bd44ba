// parseConfig on its own (every rule of server/config.ts), and one real start with a bad
// .env: the process stops with exit code 78 and names the variable.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../server/config.js';
import { root } from '../support/server.js';

const errorOf = (env: Record<string, string>) => {
  try {
    parseConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`accepted: ${JSON.stringify(env)}`);
};

describe('parseConfig', () => {
  it('gives the defaults when nothing is set', () => {
    const c = parseConfig({});
    expect(c.PORT).toBe(8000);
    expect(c.RATE_SIGNIN_FAILURES_PER_USERNAME).toBe(100);
    expect(c.TRUST_PROXY).toBe(false);
    expect(c.ALLOWED_ORIGINS).toBeUndefined();
    expect(c.REQUEST_TIMEOUT_MS).toBe(30_000);
  });

  it('refuses a variable set to the empty string, naming it (it must not mean 0, or a limit switched off)', () => {
    for (const name of ['RATE_SIGNIN_FAILURES_PER_USERNAME', 'PORT', 'RATE_MESSAGES_PER_MINUTE', 'MAX_BODY_BYTES', 'TRUST_PROXY', 'ALLOWED_ORIGINS', 'LOG_LEVEL']) {
      const message = errorOf({ [name]: '' });
      expect(message, name).toContain(`${name}: is set but empty`);
    }
    // Every empty one is named at once.
    const both = errorOf({ PORT: '', RATE_SIGNIN_FAILURES_PER_IP: '' });
    expect(both).toContain('PORT:');
    expect(both).toContain('RATE_SIGNIN_FAILURES_PER_IP:');
  });

  it('refuses a renamed variable, naming what replaced it (an old .env must not silently lose its limit)', () => {
    expect(errorOf({ RATE_SIGNINS_PER_USERNAME: '5' })).toContain('RATE_SIGNINS_PER_USERNAME: no longer read; use RATE_SIGNIN_FAILURES_PER_USERNAME_AND_IP');
    expect(errorOf({ RATE_SIGNINS_PER_IP: '50' })).toContain('use RATE_SIGNIN_FAILURES_PER_IP');
  });

  it('takes an empty REDIS_URL as "no Redis" (in-process fan-out), as documented', () => {
    expect(parseConfig({ REDIS_URL: '' }).REDIS_URL).toBeUndefined();
  });

  it('refuses ALLOWED_ORIGINS=* and anything that is not an origin, and accepts real origins', () => {
    expect(errorOf({ ALLOWED_ORIGINS: '*' })).toMatch(/ALLOWED_ORIGINS: "\*" is not allowed/);
    for (const bad of ['https://app.example, *', 'app.example', 'https://app.example/path', 'ftp://app.example', 'null', 'https://*.example']) {
      expect(errorOf({ ALLOWED_ORIGINS: bad }), bad).toContain('ALLOWED_ORIGINS:');
    }
    expect(parseConfig({ ALLOWED_ORIGINS: 'https://app.example, http://localhost:5173/' }).ALLOWED_ORIGINS).toEqual([
      'https://app.example',
      'http://localhost:5173/',
    ]);
  });

  it('reads TRUST_PROXY as false, true (one hop), a hop count, or addresses/CIDRs; refuses anything else', () => {
    expect(parseConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
    expect(parseConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
    const one = parseConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY;
    expect(one && one('203.0.113.1', 0)).toBe(true);
    expect(one && one('127.0.0.1', 1)).toBe(false);
    const two = parseConfig({ TRUST_PROXY: '2' }).TRUST_PROXY;
    expect(two && two('203.0.113.1', 1)).toBe(true);
    expect(two && two('203.0.113.1', 2)).toBe(false);
    const list = parseConfig({ TRUST_PROXY: '10.0.0.0/8, loopback' }).TRUST_PROXY;
    expect(list && list('10.1.2.3', 0)).toBe(true);
    expect(list && list('127.0.0.1', 3)).toBe(true);
    expect(list && list('203.0.113.1', 0)).toBe(false);
    for (const bad of ['yes', '10.0.0.0/99', '10.0.0.1,', 'proxy.internal', '-1']) {
      expect(errorOf({ TRUST_PROXY: bad }), bad).toContain('TRUST_PROXY:');
    }
  });

  it('does not print the value of a bad *_URL (it may hold a password)', () => {
    const message = errorOf({ DATABASE_URL: 'mysql://admin:s3cret-pw@db/chat' });
    expect(message).toContain('DATABASE_URL:');
    expect(message).not.toContain('s3cret-pw');
  });
});

describe('a real start with a bad .env', () => {
  it('exits with 78 and names the empty variable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chat-env-'));
    try {
      writeFileSync(join(dir, '.env'), `DATABASE_URL=file:${join(dir, 'chat.db')}\nPORT=0\nRATE_SIGNIN_FAILURES_PER_USERNAME=\n`);
      // Only what a shell has: the .env file in the working directory is the configuration.
      const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'server', 'main.ts')], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', (d) => (output += d));
      child.stderr!.on('data', (d) => (output += d));
      let timer: NodeJS.Timeout | undefined;
      const code = await new Promise<number | null | 'running'>((resolve) => {
        child.once('exit', resolve);
        // A server that accepted the file is listening: it would never exit by itself.
        timer = setTimeout(() => resolve('running'), 30_000);
      });
      clearTimeout(timer);
      child.kill('SIGKILL');
      expect(code, output).toBe(78);
      expect(output).toContain('RATE_SIGNIN_FAILURES_PER_USERNAME: is set but empty');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
