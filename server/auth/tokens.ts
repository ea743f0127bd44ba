// Secrets handed to clients (session and API tokens) and how they are stored:
// 20 random bytes, base32 for the client; only the SHA-256 (hex) of it in the database,
// so a leaked database does not leak usable credentials. This is Lucia's reference design.
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

export function generateToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
