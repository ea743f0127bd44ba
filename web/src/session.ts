// Who is signed in. The session itself is an HttpOnly cookie the server sets on signUp/
// signIn and clears on signOut; the page only asks `me`. After any of those the page is
// loaded again, so the WebSocket reconnects with the new cookie.
import { createSignal } from 'solid-js';
import type { Client } from '@urql/core';
import { MeQuery, SignInMutation, SignOutMutation, SignUpMutation, type Me } from './graphql/documents';

/** undefined while loading, null when signed out. */
const [me, setMe] = createSignal<Me | null | undefined>(undefined);
export { me };

export async function loadMe(client: Client): Promise<void> {
  const result = await client.query(MeQuery, {}).toPromise();
  setMe(result.data?.me ?? (result.error ? me() ?? null : null));
}

export type AuthResult = { ok: true } | { ok: false; message: string; network: boolean };

export async function signIn(client: Client, username: string, password: string): Promise<AuthResult> {
  const result = await client.mutation(SignInMutation, { username, password }).toPromise();
  return outcome(result.data?.signIn.user, result.error);
}

export async function signUp(client: Client, username: string, password: string): Promise<AuthResult> {
  const result = await client.mutation(SignUpMutation, { username, password }).toPromise();
  return outcome(result.data?.signUp.user, result.error);
}

export async function signOut(client: Client): Promise<void> {
  await client.mutation(SignOutMutation, {}).toPromise();
  setMe(null);
}

function outcome(user: Me | undefined, error: { networkError?: Error; graphQLErrors: { message: string }[] } | undefined): AuthResult {
  if (user) {
    setMe(user);
    return { ok: true };
  }
  const message = error?.graphQLErrors[0]?.message ?? '';
  return { ok: false, message, network: !error?.graphQLErrors.length };
}
