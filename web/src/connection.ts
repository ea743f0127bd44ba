// The live connection's state, for the status line, and the reconnect policy:
// exponential backoff with jitter, capped at 30 s, retried forever. The graphql-ws client
// (graphql/socket.ts) reports its events here and asks `wait` how long to pause.
import { createSignal } from 'solid-js';

export type ConnectionStatus =
  | { state: 'connecting' }
  | { state: 'connected' }
  /** Waiting before the next try; `nextAt` is when it starts (ms since the epoch). */
  | { state: 'reconnecting'; attempt: number; delay: number; nextAt: number }
  | { state: 'offline' };

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 30_000;

/**
 * Delay before retry number `retries` (0 for the first): the exponential step
 * min(cap, base·2^n), of which a random half is kept ("equal jitter"), so clients that
 * lost the server together do not all come back in the same instant.
 */
export function backoffDelay(retries: number, random: () => number = Math.random): number {
  const step = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(retries, 16));
  return Math.round(step / 2 + (random() * step) / 2);
}

const [status, setStatus] = createSignal<ConnectionStatus>({ state: 'connecting' });
const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine);

/** The status to show: the browser being offline wins over whatever the socket is doing. */
export const connectionStatus = (): ConnectionStatus => (online() ? status() : { state: 'offline' });

type Listener = () => void;
const reconnectListeners = new Set<Listener>();
let wakeUp: (() => void) | undefined;

/** Runs `listener` each time the socket is connected again after losing the connection. */
export function onReconnected(listener: Listener): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

export const connection = {
  connecting(isRetry: boolean) {
    const now = status();
    if (!isRetry) setStatus({ state: 'connecting' });
    // A retry under way: still "reconnecting", with no wait left.
    else setStatus({ state: 'reconnecting', attempt: now.state === 'reconnecting' ? now.attempt : 1, delay: 0, nextAt: Date.now() });
  },
  connected(wasRetry: boolean) {
    setStatus({ state: 'connected' });
    if (wasRetry) for (const listener of [...reconnectListeners]) listener();
  },
  closed() {
    // wait() follows at once with the delay; until then say we are trying again.
    if (status().state === 'connected') setStatus({ state: 'reconnecting', attempt: 1, delay: 0, nextAt: Date.now() });
  },
  /** graphql-ws retryWait: announce the pause, then sleep (cut short by `retryNow` or the network coming back). */
  wait(retries: number): Promise<void> {
    const delay = backoffDelay(retries);
    setStatus({ state: 'reconnecting', attempt: retries + 1, delay, nextAt: Date.now() + delay });
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        window.removeEventListener('online', done);
        wakeUp = undefined;
        resolve();
      };
      const timer = setTimeout(done, delay);
      window.addEventListener('online', done);
      wakeUp = done;
    });
  },
};

/** Skips the rest of the current backoff pause (the status line's "retry now"). */
export function retryNow() {
  wakeUp?.();
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', () => setOnline(true));
  window.addEventListener('offline', () => setOnline(false));
}
