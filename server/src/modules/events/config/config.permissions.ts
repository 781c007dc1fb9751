/** Event-center configuration: catalogue and 立结案标准, work calendar, routing rules. */
export const eventConfigPermissions = [
  'event:category:read',
  'event:category:update',
  'event:category:import',
  'event:category:export',
  'event:calendar:read',
  'event:calendar:update',
  'event:routing:read',
  'event:routing:update',
] as const;
