// web/src/gql/ (committed) must be what `npm run codegen` makes from schema.graphql and
// the documents in web/src now: generated in memory and compared file by file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../../codegen.js';
import { root } from '../support/server.js';

test('web/src/gql is up to date with schema.graphql and the documents (npm run codegen)', async () => {
  const cwd = process.cwd();
  process.chdir(root);
  let outputs: { filename: string; content: string }[];
  try {
    outputs = await generate({ ...config, cwd: root, silent: true }, false);
  } finally {
    process.chdir(cwd);
  }
  const dir = join(root, 'web', 'src', 'gql');
  const expected = Object.fromEntries(outputs.map((o) => [relative(dir, resolve(root, o.filename)), o.content]));
  const actual = Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  expect(Object.keys(actual).sort(), 'files in web/src/gql (run npm run codegen)').toEqual(Object.keys(expected).sort());
  for (const [file, content] of Object.entries(expected)) {
    expect(actual[file] === content, `web/src/gql/${file} is stale: run npm run codegen`).toBe(true);
  }
}, 60_000);
