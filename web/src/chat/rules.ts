// Client-side copies of the server's input rules, for inline validation before a request.
// The server stays the authority. Keep in step with server/chat/rules.ts (roomName), which
// cannot be imported here without bundling server code.
const roomNamePattern = /^[\p{L}\p{M}\p{Nd}_-]+$/u;

/** The canonical (NFC) room name, or null when the server would refuse it. */
export function roomName(raw: string): string | null {
  const name = raw.trim().normalize('NFC');
  const length = [...name].length;
  return length >= 1 && length <= 64 && roomNamePattern.test(name) ? name : null;
}

export const roomPath = (name: string) => `/chat/${encodeURIComponent(name)}/`;
