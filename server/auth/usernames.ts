// The username rule, and the key that makes two names the same account. A name is kept
// as typed (NFC); its key is the UTS #39 confusable skeleton of its NFKC full case fold,
// so names that differ only by case (`straße`/`STRASSE`), by compatibility forms
// (full-width letters) or by look-alike letters of other scripts (Cyrillic `а` in
// `аlice`) have one key, which the database keeps unique (User.usernameKey). Invisible
// characters (Default_Ignorable_Code_Point, e.g. U+3164 HANGUL FILLER) and controls are
// refused outright. The key is for comparison only: it is never shown.
import { caseFold } from 'unicode-case-folding';
import { rectifyConfusion } from 'unicode-confusables';
import { badInput } from '../errors.js';

const USERNAME_RULE = 'Usernames are 1–32 characters long and use only visible letters, digits, "_", "-" and "."';
const MAX_LENGTH = 32;
const allowed = /^[\p{L}\p{M}\p{Nd}_.-]+$/u;
const invisible = /\p{Default_Ignorable_Code_Point}/u;

/** UTS #39 skeleton: NFD, map each confusable to its prototype (confusables.txt), NFD. */
const skeleton = (s: string) => rectifyConfusion(s.normalize('NFD')).normalize('NFD');

/** The comparison key of a name that passed the rule. */
export const usernameKey = (username: string) => skeleton(caseFold(username.normalize('NFKC')).normalize('NFKC'));

/** The key as it was computed before confusable skeletons (rows created then still carry it). */
export const legacyUsernameKey = (username: string) => username.normalize('NFKC').toLowerCase();

/** A name that can exist, or undefined (cheap: length is checked before any Unicode work). */
export function parseUsername(raw: string): { username: string; usernameKey: string } | undefined {
  if (raw.length > MAX_LENGTH * 8) return undefined; // bounds the Unicode work spent on hostile input
  const username = raw.normalize('NFC');
  if ([...username].length > MAX_LENGTH || !allowed.test(username) || invisible.test(username)) return undefined;
  return { username, usernameKey: usernameKey(username) };
}

/** As parseUsername, throwing BAD_USER_INPUT (without echoing the name) for one that cannot exist. */
export function checkUsername(raw: string): { username: string; usernameKey: string } {
  const parsed = parseUsername(raw);
  if (!parsed) throw badInput(`Invalid username: ${USERNAME_RULE}.`, { field: 'username' });
  return parsed;
}
