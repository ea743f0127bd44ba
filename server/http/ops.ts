// Endpoints for operators and orchestrators:
//   /healthz  the process is up (liveness)
//   /readyz   the database and Redis answer (readiness): 200, or 503 naming the check
//             that failed with a generic reason ("unavailable", "timed out"); the
//             error itself (hosts, ports, driver text) goes to the log only
//   /metrics  Prometheus metrics
import type { ServerResponse } from 'node:http';
import type { Services } from '../services.js';
import type { Logger } from '../log.js';

export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

class TimedOut extends Error {}

async function check(log: Logger, name: string, fn: () => Promise<unknown>, timeoutMs = 2000): Promise<[string, string]> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new TimedOut(`no answer in ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return [name, 'ok'];
  } catch (err) {
    log.warn({ name: 'readyz', check: name, err }, 'readiness check failed');
    return [name, err instanceof TimedOut ? 'timed out' : 'unavailable'];
  } finally {
    clearTimeout(timer);
  }
}

export async function handleOps(services: Services, res: ServerResponse, path: string) {
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  if (path === '/metrics') {
    res.writeHead(200, { 'content-type': services.metrics.registry.contentType });
    res.end(await services.metrics.registry.metrics());
    return;
  }
  const checks = await Promise.all([
    check(services.log, 'database', () => services.db.$queryRawUnsafe('SELECT 1')),
    ...(services.pubsub.redis ? [check(services.log, 'redis', () => services.pubsub.redis!.ping())] : []),
  ]);
  const ok = checks.every(([, v]) => v === 'ok');
  send(res, ok ? 200 : 503, { status: ok ? 'ready' : 'unavailable', checks: Object.fromEntries(checks) });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
