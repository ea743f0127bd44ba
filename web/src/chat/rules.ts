// The rules the page checks before it asks the server. Room names and message content go
// through the server's own functions, imported from server/chat/rules.ts (which imports
// only server/errors.ts, itself free of imports: a few hundred bytes of bundle), so the
// page refuses exactly what the server refuses. messageLength counts as the server's
// messageContent does (code points), for the composer's counter.
import { isRoomName, messageContent as serverMessageContent, roomName as serverRoomName } from '../../../server/chat/rules';

/** The canonical (NFC) room name, or null when the server would refuse it. */
export function roomName(raw: string): string | null {
  return isRoomName(raw) ? serverRoomName(raw) : null;
}

export const roomPath = (name: string) => `/chat/${encodeURIComponent(name)}/`;

/** A message's length as the server counts it: Unicode code points, not UTF-16 units. */
export const messageLength = (content: string) => [...content].length;

/** Whether the server would take this content (server/chat/rules.ts messageContent); no limit while unknown. */
export function sendable(content: string, maxLength: number | undefined): boolean {
  try {
    serverMessageContent(content, maxLength ?? Infinity);
    return true;
  } catch {
    return false;
  }
}
