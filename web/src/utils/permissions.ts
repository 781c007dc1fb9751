/**
 * Same rule as the server (server/src/auth/permissions.ts): codes are `module:entity:action`
 * and a held `*` segment matches anything in that position.
 */
export function grants(held: Iterable<string>, needed: string): boolean {
  const want = needed.split(':');
  for (const code of held) {
    const have = code.split(':');
    if (have.length === want.length && have.every((part, i) => part === '*' || part === want[i])) return true;
  }
  return false;
}
