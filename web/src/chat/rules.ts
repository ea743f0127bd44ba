// The room-name rule the page checks before it asks the server: the server's own rule,
// imported from server/chat/rules.ts (which imports only server/errors.ts, itself free of
// imports, so the bundle gains a few lines), so the page refuses exactly the names the
// server refuses and opens the same canonical (NFC) name.
import { isRoomName, roomName as serverRoomName } from '../../../server/chat/rules';

/** The canonical (NFC) room name, or null when the server would refuse it. */
export function roomName(raw: string): string | null {
  return isRoomName(raw) ? serverRoomName(raw) : null;
}

export const roomPath = (name: string) => `/chat/${encodeURIComponent(name)}/`;
