/** Permission codes of video AI (cameras' zones are edited with device:settings:update). */
export const videoPermissions = ['video:detection:read', 'video:rule:read', 'video:rule:update', 'video:camera:update'] as const;
