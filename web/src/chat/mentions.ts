// "@name" in message text, for drawing: only names the server resolved when it stored the
// message (Message.mentions) stand out; any other "@word" stays plain text. The pattern is
// the server's (server/chat/mentions.ts); names compare as the server compares them, less
// its look-alike folding (a resolved mention was spelled as the account is, or close).
import type { User } from '../graphql/documents';

export type MentionPart = { kind: 'text'; text: string } | { kind: 'mention'; text: string; user: User };

const MENTION = /(?<![\p{L}\p{M}\p{Nd}_.-])@([\p{L}\p{M}\p{Nd}_.-]{1,32})/gu;
const key = (name: string) => name.normalize('NFKC').toLowerCase();

export function mentionParts(text: string, mentions: readonly User[]): MentionPart[] {
  if (!mentions.length || !text.includes('@')) return [{ kind: 'text', text }];
  const byKey = new Map(mentions.map((u) => [key(u.username), u]));
  const parts: MentionPart[] = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const raw = match[1];
    const trimmed = raw.replace(/[.-]+$/u, '');
    const name = byKey.has(key(trimmed)) ? trimmed : byKey.has(key(raw)) ? raw : undefined;
    if (!name) continue;
    const start = match.index!;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'mention', text: `@${name}`, user: byKey.get(key(name))! });
    last = start + 1 + name.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

/** Whether the message mentions the user. */
export const mentionsUser = (m: { mentions?: readonly User[] }, userId: string | undefined) =>
  !!userId && !!m.mentions?.some((u) => u.id === userId);
