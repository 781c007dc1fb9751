import { systemPermissions } from './system/system.permissions.ts';
import { eventConfigPermissions } from './events/config/config.permissions.ts';
import { gridPermissions } from './grids/grids.permissions.ts';
import { eventPermissions } from './events/events.permissions.ts';
import { registryPermissions } from './registry/registry.permissions.ts';
import { evaluationPermissions } from './evaluation/evaluation.permissions.ts';

/** Every permission code that exists, offered by the role editor. Each module lists its own. */
export const permissionCatalog: readonly string[] = [...systemPermissions, ...gridPermissions, ...eventConfigPermissions, ...eventPermissions, ...registryPermissions, ...evaluationPermissions];
