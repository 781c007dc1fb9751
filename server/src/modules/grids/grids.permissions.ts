export const gridPermissions = [
  'map:grid:read',
  'map:grid:update',
  'map:grid:import',
  'map:responsibility-grid:read',
  'map:responsibility-grid:create',
  'map:responsibility-grid:update',
] as const;
