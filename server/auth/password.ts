// Password hashing: argon2id with the OWASP-recommended parameters (@node-rs/argon2's
// defaults: 19 MiB, 2 iterations), off the event loop.
import { hash, verify } from '@node-rs/argon2';
import { badInput } from '../errors.js';

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;

export function checkPassword(password: string): string {
  const length = [...password].length;
  if (length < PASSWORD_MIN) throw badInput(`Passwords need at least ${PASSWORD_MIN} characters.`, { field: 'password' });
  if (length > PASSWORD_MAX) throw badInput(`Passwords can have at most ${PASSWORD_MAX} characters.`, { field: 'password' });
  return password;
}

export const hashPassword = (password: string) => hash(password);

export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password);

// Verifying against this when the user does not exist makes "unknown user" take as long
// as "wrong password", so response times do not reveal which usernames exist.
let dummyHash: Promise<string> | undefined;
export async function burnVerify(password: string): Promise<false> {
  dummyHash ??= hash('not-a-real-password');
  await verify(await dummyHash, password);
  return false;
}
