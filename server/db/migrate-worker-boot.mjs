// Entry of the migration worker when the server runs from its sources (tests, `npm run
// dev`): worker threads on Node 20 do not inherit tsx's loader, so register it, then load
// the TypeScript worker. The build starts dist/server/db/migrate-worker.js instead.
import { register } from 'tsx/esm/api';

register();
await import('./migrate-worker.ts');
