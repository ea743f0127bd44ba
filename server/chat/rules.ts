// What a valid room name, message and client id are. Every transport (GraphQL, REST,
// WebSocket) goes through ChatService, which calls these: the rules live only here.
import { badInput } from '../errors.js';

const ROOM_NAME_RULE =
  'Room names are 1–64 characters long and use only letters, digits, "_" and "-"';

// Letters (with their combining marks, so every script works), decimal digits, _ and -.
const roomNamePattern = /^[\p{L}\p{M}\p{Nd}_-]+$/u;

/** Returns the canonical (NFC) room name, or throws BAD_USER_INPUT stating the rule. */
export function roomName(raw: string): string {
  const name = raw.normalize('NFC');
  const length = [...name].length;
  if (length < 1 || length > 64 || !roomNamePattern.test(name)) {
    throw badInput(`Invalid room name ${JSON.stringify(raw)}: ${ROOM_NAME_RULE}.`, { field: 'room' });
  }
  return name;
}

export function isRoomName(raw: string): boolean {
  try {
    roomName(raw);
    return true;
  } catch {
    return false;
  }
}

/**
 * Text both databases store exactly: no NUL character (PostgreSQL's text cannot hold
 * one) and no lone UTF-16 surrogate (it has no UTF-8 form, so it would come back changed).
 */
// In a /u pattern, a surrogate range matches only surrogates that are not part of a pair.
const loneSurrogate = /[\uD800-\uDFFF]/u;

function storableText(value: string, field: string, what: string) {
  if (value.includes('\0')) throw badInput(`${what} must not contain the NUL character (U+0000).`, { field });
  if (loneSurrogate.test(value)) {
    throw badInput(`${what} must be well-formed Unicode (it contains a lone surrogate code unit).`, { field });
  }
}

/** Content is stored exactly as sent; it only has to say something, be storable text and fit. */
export function messageContent(content: string, maxLength: number): string {
  storableText(content, 'content', 'Message content');
  if (content.trim().length === 0) {
    throw badInput('Message content must not be empty or only whitespace.', { field: 'content' });
  }
  const length = [...content].length;
  if (length > maxLength) {
    throw badInput(`Message content is ${length} characters long; the limit is ${maxLength}.`, {
      field: 'content',
      maxLength,
    });
  }
  return content;
}

const CLIENT_ID_MAX = 128;

export function clientId(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length < 1 || raw.length > CLIENT_ID_MAX || raw.trim() !== raw) {
    throw badInput(`clientId must be 1–${CLIENT_ID_MAX} characters without surrounding spaces.`, {
      field: 'clientId',
    });
  }
  storableText(raw, 'clientId', 'clientId');
  return raw;
}
