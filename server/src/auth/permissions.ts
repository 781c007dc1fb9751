/**
 * Permission codes are `module:entity:action`. Routes name the code they need; roles (data, editable
 * by admins) hold lists of codes. A `*` segment matches anything: `system:*:read`, `*:*:*`.
 * The codes that exist are listed per module and gathered in `modules/permission-catalog.ts`.
 */
export function grants(held: Iterable<string>, needed: string): boolean {
  const want = needed.split(':');
  for (const code of held) {
    const have = code.split(':');
    if (have.length === want.length && have.every((part, i) => part === '*' || part === want[i])) return true;
  }
  return false;
}

export function isKnownPermission(code: string, catalog: readonly string[]): boolean {
  if (/^(\*|[a-z0-9-]+):(\*|[a-z-]+):(\*|[a-z-]+)$/.test(code) === false) return false;
  return code.includes('*') || catalog.includes(code);
}
