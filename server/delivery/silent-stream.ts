// A stream that delivers nothing and stays open until closed: what a subscriber of a
// private room they are not in gets, exactly as for a room nobody has used yet (or, with
// an `after` beyond 0, failed at once with the refusal such a room gives: chat/service.ts).
import type { PushStream } from './broadcast.js';

export class SilentStream<T> implements PushStream<T>, AsyncIterableIterator<T> {
  private closed = false;
  private failure: unknown;
  private readonly waiters: { resolve(): void; reject(err: unknown): void }[] = [];

  async pushTo(): Promise<void> {}

  ended(): Promise<void> {
    if (this.closed) return this.failure ? Promise.reject(this.failure) : Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.splice(0)) (this.failure ? w.reject(this.failure) : w.resolve());
  }

  fail(err: unknown): void {
    this.failure ??= err;
    this.close();
  }

  behind(): Error {
    return new Error('a silent stream is never behind');
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next(): Promise<IteratorResult<T>> {
    await this.ended();
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<T>> {
    this.close();
    return { done: true, value: undefined };
  }
}
