// Mentions: "@username" in a message's content, resolved to users when the message is
// stored (names that are no account stay plain text). The same username rule and key as
// sign-up (auth/usernames.ts), so "@Ada" and "@ada" are the same person.
import { parseUsername } from '../auth/usernames.js';
import type { UserRef } from './message.js';

/** Most distinct names resolved per message (the rest stay text). */
const MAX_MENTIONS = 20;
const mention = /(?<![\p{L}\p{M}\p{Nd}_.-])@([\p{L}\p{M}\p{Nd}_.-]{1,32})/gu;

/** The comparison keys of the names a content mentions (at most MAX_MENTIONS). */
export function mentionedKeys(content: string): string[] {
  if (!content.includes('@')) return [];
  const keys = new Set<string>();
  for (const [, raw] of content.matchAll(mention)) {
    // A trailing "." or "-" is punctuation after the name ("thanks @ada.").
    const parsed = parseUsername(raw.replace(/[.-]+$/u, '')) ?? parseUsername(raw);
    if (parsed) keys.add(parsed.usernameKey);
    if (keys.size >= MAX_MENTIONS) break;
  }
  return [...keys];
}

export type FindUsers = (usernameKeys: string[]) => Promise<UserRef[]>;

export async function resolveMentions(content: string, findUsers: FindUsers): Promise<UserRef[]> {
  const keys = mentionedKeys(content);
  return keys.length ? findUsers(keys) : [];
}
