// Vite config for the web client (root: web/).
//   npm run build → dist/web (index.html + hashed files under /assets/), served by server/http/web.ts
//   npm run dev   → dev server; /graphql (HTTP and WebSocket) and /chat/api go to the API server
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const API = process.env.API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [solid()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The Host header is kept (no changeOrigin), so the API sees the page's own origin and
    // its cookie CSRF check passes.
    proxy: {
      '/graphql': { target: API, ws: true },
      '/chat/api': { target: API },
    },
  },
});
