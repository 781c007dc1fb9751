/**
 * Permission codes are `module:entity:action`. Routes name the code they need; roles (data, editable
 * by admins) hold lists of codes. A `*` segment matches anything: `system:*:read`, `*:*:*`.
 * Modules add their codes to this catalogue so the role editor can offer them.
 */
export const permissionCatalog = [
  'system:user:read',
  'system:user:create',
  'system:user:update',
  'system:role:read',
  'system:role:create',
  'system:role:update',
  'system:division:read',
  'system:division:create',
  'system:division:update',
  'system:organization:read',
  'system:organization:create',
  'system:organization:update',
  'system:token:read',
  'system:token:create',
  'system:token:revoke',
  'system:audit:read',
  'system:audit:export',
  'system:login-log:read',
  'system:dictionary:read',
  'file:file:upload',
  'file:file:read',
] as const;

export type PermissionCode = (typeof permissionCatalog)[number];

export function grants(held: Iterable<string>, needed: string): boolean {
  const want = needed.split(':');
  for (const code of held) {
    const have = code.split(':');
    if (have.length === want.length && have.every((part, i) => part === '*' || part === want[i])) return true;
  }
  return false;
}

export function isKnownPermission(code: string): boolean {
  if (/^(\*|[a-z-]+):(\*|[a-z-]+):(\*|[a-z-]+)$/.test(code) === false) return false;
  return code.includes('*') || (permissionCatalog as readonly string[]).includes(code);
}
