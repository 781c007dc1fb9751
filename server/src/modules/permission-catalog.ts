import { systemPermissions } from './system/system.permissions.ts';
import { eventConfigPermissions } from './events/config/config.permissions.ts';
import { gridPermissions } from './grids/grids.permissions.ts';
import { eventPermissions } from './events/events.permissions.ts';
import { isKnownPermission } from '../auth/permissions.ts';
import { registryPermissions } from './registry/registry.permissions.ts';
import { open311Permissions, open311TokenScopes } from './open311/open311.permissions.ts';
import { dashboardPermissions } from './dashboard/dashboard.permissions.ts';
import { supervisionPermissions } from './supervision/supervision.permissions.ts';
import { devicePermissions } from './devices/devices.permissions.ts';
import { outreachPermissions } from './outreach/outreach.permissions.ts';
import { evaluationPermissions } from './evaluation/evaluation.permissions.ts';
import { videoPermissions } from './video/video.permissions.ts';

/** Every permission code that exists, offered by the role editor. Each module lists its own. */
export const permissionCatalog: readonly string[] = [
  ...systemPermissions,
  ...gridPermissions,
  ...eventConfigPermissions,
  ...eventPermissions,
  ...registryPermissions,
  ...open311Permissions,
  ...dashboardPermissions,
  ...supervisionPermissions,
  ...devicePermissions,
  ...outreachPermissions,
  ...evaluationPermissions,
  ...videoPermissions,
];

/** Named bundles of permission codes a machine token may be given by name (`--scope open311`). */
export const tokenScopeBundles: Readonly<Record<string, readonly string[]>> = { ...open311TokenScopes };

/** Token scopes as given (bundle names or permission codes) → permission codes; throws on an unknown one. */
export function expandTokenScopes(scopes: readonly string[]): string[] {
  const codes = scopes.flatMap((scope) => {
    const bundle = tokenScopeBundles[scope];
    if (bundle) return bundle;
    if (isKnownPermission(scope, permissionCatalog)) return [scope];
    throw new Error(`unknown scope "${scope}": give a permission code (module:entity:action) or one of: ${Object.keys(tokenScopeBundles).join(', ')}`);
  });
  return [...new Set(codes)];
}
