import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (m=19 MiB, t=2, p=1: the OWASP baseline). */
export const hashPassword = (password: string) => hash(password);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const passwordMinLength = 10;

/**
 * 等保 2.0 style policy: length, three of four character classes, not containing the username.
 * Returns true when the password is acceptable.
 */
export function meetsPasswordPolicy(password: string, username: string): boolean {
  if (password.length < passwordMinLength || password.length > 128) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(password)).length;
  if (classes < 3) return false;
  return !password.toLowerCase().includes(username.toLowerCase());
}

/** A hash computed once so that unknown usernames cost as much time as wrong passwords. */
let dummyHash: Promise<string> | undefined;
export function timingSafeDummyVerify(password: string): Promise<boolean> {
  dummyHash ??= hash('not-a-real-password-Aa1!');
  return dummyHash.then((h) => verifyPassword(h, password)).then(() => false);
}
