// npm install's last step. In a development checkout (dev dependencies installed) it runs
// `npm run build`: generated Prisma clients, the compiled server (dist/server) and the web
// client (dist/web). In a production install (`npm ci --omit=dev`, where the build tools
// are absent) it builds nothing and checks that a build is there to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const hasBuildTools = ['vite', 'esbuild', 'prisma/package.json', 'tsx/package.json'].every((m) => {
  try {
    require.resolve(m);
    return true;
  } catch {
    return false;
  }
});

if (hasBuildTools) {
  const r = spawnSync('npm', ['run', 'build'], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(r.status ?? 1);
}
if (existsSync('dist/server/main.js') && existsSync('dist/web/index.html')) {
  console.log('roomchat: production install, using the build in dist/ (npm start runs it)');
} else {
  console.error('roomchat: no build in dist/ and no build tools (dev dependencies) to make one:');
  console.error('  build where they are installed (npm ci && npm run build), then npm prune --omit=dev');
  process.exit(1);
}
