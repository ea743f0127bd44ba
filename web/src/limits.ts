// The server's limits the page checks before sending (the `limits` query): asked once at
// start, and again after a reconnect while still unknown. Until known, nothing is checked
// here and the server's answer says what is wrong.
import { createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { LimitsQuery } from './graphql/documents';
import { onReconnected } from './connection';

const [maxMessageLength, setMaxMessageLength] = createSignal<number | undefined>(undefined);
export { maxMessageLength };

export async function loadLimits(client: Client): Promise<void> {
  const off = onReconnected(() => void ask());
  async function ask() {
    const result = await client.query(LimitsQuery, {}).toPromise();
    if (!result.data) return;
    setMaxMessageLength(result.data.limits.maxMessageLength);
    off();
  }
  await ask();
}
