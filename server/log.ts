// Structured JSON logs (pino). One root logger; modules take children with a `name`.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid } });
}
