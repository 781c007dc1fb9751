import { systemPermissions } from './system/system.permissions.ts';
import { eventConfigPermissions } from './events/config/config.permissions.ts';
import { gridPermissions } from './grids/grids.permissions.ts';
import { eventPermissions } from './events/events.permissions.ts';
import { registryPermissions } from './registry/registry.permissions.ts';
import { devicePermissions } from './devices/devices.permissions.ts';
import { videoPermissions } from './video/video.permissions.ts';

/** Every permission code that exists, offered by the role editor. Each module lists its own. */
export const permissionCatalog: readonly string[] = [...systemPermissions, ...gridPermissions, ...eventConfigPermissions, ...eventPermissions, ...registryPermissions, ...devicePermissions, ...videoPermissions];
