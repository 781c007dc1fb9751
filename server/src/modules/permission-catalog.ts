import { systemPermissions } from './system/system.permissions.ts';

/** Every permission code that exists, offered by the role editor. Each module lists its own. */
export const permissionCatalog: readonly string[] = [...systemPermissions];
