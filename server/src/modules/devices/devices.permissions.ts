/** Permission codes of devices and alarms (reading devices themselves is registry:device:read). */
export const devicePermissions = [
  'device:alarm:read',
  'device:alarm:handle',
  'device:telemetry:read',
  'device:alarm-rule:read',
  'device:alarm-rule:update',
  'device:settings:update',
  'device:token:issue',
] as const;
