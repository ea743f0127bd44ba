// npm install's last step. In a development checkout (dev dependencies installed) it runs
// `npm run build`: generated Prisma clients, the compiled server (dist/server) and the web
// client (dist/web). In a production install (`npm ci --omit=dev`, where the build tools
// are absent) it builds nothing: it says whether a build is there to run, and never fails
// the install (a Dockerfile stage installs the runtime dependencies before the build
// is copied in).
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
  console.log('roomchat: runtime dependencies only, and no build in dist/ yet: build where the dev');
  console.log('  dependencies are installed (npm ci runs npm run build) and copy dist/ here');
}
