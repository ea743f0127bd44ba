// Dockerfile and compose.yaml, checked without a container engine (these machines have
// none, and hadolint's binary cannot be downloaded here): the Dockerfile goes through
// dockerfile-utils' validator (the Docker language server's: syntax, instructions, flags,
// exec-form JSON), then both files are parsed and held to hadolint's rules that apply to
// them, plus what this project needs (production build, non-root, health checks, SIGTERM
// to node, start order on healthy services). Building and running the images is not
// tested here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { root } from '../support/server.js';

interface Instruction {
  line: number;
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** Dockerfile → stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): { stages: Stage[]; ignored: Map<number, string[]> } {
  const stages: Stage[] = [];
  const ignored = new Map<number, string[]>(); // line of the next instruction → hadolint rules ignored
  let pendingIgnore: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    const ignore = /^#\s*hadolint ignore=([\w,]+)/.exec(line.trim());
    if (ignore) pendingIgnore.push(...ignore[1].split(','));
    if (!line.trim() || line.trim().startsWith('#')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    const [, op, args] = /^\s*(\w+)\s+([\s\S]*)$/.exec(line) ?? [];
    if (!op) throw new Error(`Dockerfile line ${start + 1}: cannot parse "${line}"`);
    if (pendingIgnore.length) ignored.set(start + 1, pendingIgnore);
    pendingIgnore = [];
    const instruction = { line: start + 1, op: op.toUpperCase(), args: args.trim() };
    if (instruction.op === 'FROM') {
      const [from, as, name] = instruction.args.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      if (!stages.length) throw new Error(`Dockerfile line ${start + 1}: ${op} before FROM`);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { stages, ignored };
}

const dockerfile = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const { stages } = dockerfile;
const final = stages.at(-1)!;
const all = stages.flatMap((s) => s.instructions);
const runs = all.filter((i) => i.op === 'RUN');
const isIgnored = (i: Instruction, rule: string) => dockerfile.ignored.get(i.line)?.includes(rule) ?? false;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('Dockerfile', () => {
  it('has no problem dockerfile-utils finds', () => {
    const problems = validate(readFileSync(join(root, 'Dockerfile'), 'utf8')).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    expect(problems).toEqual([]);
  });

  it('is multi-stage: the final image is a fresh base, not the toolchain', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const names = stages.map((s) => s.name);
    expect(names).not.toContain(final.from); // not FROM an earlier stage (which has g++)
    expect(final.instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' ')).not.toMatch(/apt-get|g\+\+|npm (ci|install)/);
  });

  it('pins base images to a tag (DL3006) that is not latest (DL3007)', () => {
    const names = new Set(stages.map((s) => s.name));
    for (const s of stages) {
      if (names.has(s.from)) continue;
      expect(s.from, s.from).toMatch(/^[\w./-]+:[\w.-]+$/);
      expect(s.from).not.toMatch(/:latest$/);
    }
  });

  it('copies from stages that exist (DL3022) and ships the build, runtime dependencies and migrations', () => {
    const names = new Set(stages.map((s) => s.name));
    const copies = final.instructions.filter((i) => i.op === 'COPY');
    for (const c of all.filter((i) => i.op === 'COPY' && i.args.includes('--from='))) {
      expect(names.has(/--from=(\S+)/.exec(c.args)![1]), c.args).toBe(true);
    }
    const shipped = copies.map((c) => c.args.replace(/--from=\S+\s+/, '').split(/\s+/)[0]);
    expect(shipped).toEqual(expect.arrayContaining(['/app/node_modules', '/app/dist', '/app/prisma', '/app/package.json']));
    const depsStage = /--from=(\S+)\s+\/app\/node_modules/.exec(copies.map((c) => c.args).join('\n'))![1];
    const deps = stages.find((s) => s.name === depsStage)!;
    expect(deps.instructions.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
  });

  it('runs as a non-root user (DL3002)', () => {
    const users = final.instructions.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)!.args).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks health on /healthz', () => {
    const hc = final.instructions.filter((i) => i.op === 'HEALTHCHECK');
    expect(hc).toHaveLength(1);
    expect(hc[0].args).toContain('/healthz');
    expect(hc[0].args).toMatch(/CMD \[/); // exec form: no shell needed in the image
  });

  it('starts node itself in exec form, the same entry as npm start, so SIGTERM reaches the server', () => {
    const cmd = final.instructions.filter((i) => i.op === 'CMD');
    expect(cmd).toHaveLength(1);
    const argv = JSON.parse(cmd[0].args) as string[]; // shell form would not be JSON
    expect(argv[0]).toBe('node');
    expect(argv.join(' ')).not.toMatch(/\b(npm|npx|tsx|sh)\b/);
    expect(pkg.scripts.start).toBe(argv.join(' '));
    expect(final.instructions.some((i) => i.op === 'ENTRYPOINT' && !i.args.startsWith('['))).toBe(false);
  });

  it('follows hadolint on RUN: apt-get (DL3009, DL3014, DL3015), no cd (DL3003), no sudo (DL3004)', () => {
    for (const r of runs) {
      if (/apt-get install/.test(r.args)) {
        expect(r.args, 'DL3014').toMatch(/apt-get install[^&]*\s-y\b/);
        expect(r.args, 'DL3015').toContain('--no-install-recommends');
        expect(r.args, 'DL3009').toMatch(/rm -rf \/var\/lib\/apt\/lists\/\*/);
        expect(r.args, 'update in the same layer').toMatch(/apt-get update/);
        if (!isIgnored(r, 'DL3008')) expect(r.args, 'DL3008').toMatch(/install[^&]*=\S+/);
      }
      expect(r.args, 'DL3003').not.toMatch(/(^|&&|;)\s*cd\s/);
      expect(r.args, 'DL3004').not.toMatch(/\bsudo\b/);
    }
  });

  it('uses absolute WORKDIRs (DL3000) and COPY, not ADD, for local files (DL3020)', () => {
    for (const w of all.filter((i) => i.op === 'WORKDIR')) expect(w.args.startsWith('/')).toBe(true);
    for (const a of all.filter((i) => i.op === 'ADD')) expect(a.args).toMatch(/https?:\/\/|\.tar/);
  });

  it('has a .dockerignore that keeps local installs, builds and data out of the context', () => {
    const ignore = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignore).toContain(entry);
  });
});

describe('compose.yaml', () => {
  const compose = parseYaml(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, { build?: string; image?: string; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; environment?: Record<string, string> }>;
  };
  const services = Object.entries(compose.services);
  const apps = services.filter(([, s]) => s.build);

  it('gives every service a health check', () => {
    for (const [name, s] of services) {
      expect(s.healthcheck?.test, name).toBeDefined();
      expect(s.healthcheck!.test[0], name).toMatch(/^CMD(-SHELL)?$/);
    }
  });

  it('starts the apps only once Redis and PostgreSQL are healthy', () => {
    expect(apps.length).toBeGreaterThan(0);
    for (const [name, app] of apps) {
      expect(app.depends_on, name).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
      expect(app.healthcheck!.test.join(' ')).toContain('/healthz');
      expect(app.build).toBe('.');
      expect(existsSync(join(root, app.build!, 'Dockerfile'))).toBe(true);
    }
  });

  it('points the apps at the services it defines, with a database the PostgreSQL service creates', () => {
    const pgEnv = compose.services.postgres.environment!;
    for (const [name, app] of apps) {
      const db = new URL(app.environment!.DATABASE_URL);
      expect(db.hostname, name).toBe('postgres');
      expect(db.pathname.slice(1)).toBe(pgEnv.POSTGRES_DB);
      expect(decodeURIComponent(db.username)).toBe(pgEnv.POSTGRES_USER);
      expect(new URL(app.environment!.REDIS_URL).hostname).toBe('redis');
    }
    for (const [name, s] of services.filter(([, s]) => s.image)) expect(s.image, name).toMatch(/:[\w.-]+$/);
  });
});
