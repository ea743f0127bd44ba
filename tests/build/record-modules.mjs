// Preloaded into the server by tests/build/production.test.ts (node --import): appends the
// path or URL of every module the process loads to the file $RECORD_MODULES — ES modules
// through a resolve hook (module.register), CommonJS through Module._resolveFilename.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';

const out = process.env.RECORD_MODULES;
if (!out) throw new Error('RECORD_MODULES is not set');

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  appendFileSync(out, `${file}\n`);
  return file;
};

const hook = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(${JSON.stringify(out)}, r.url + '\\n');
  return r;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
