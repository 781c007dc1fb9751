/** Permission codes of the event workflow (the workflow table in event-workflow.ts names them per action). */
export const eventPermissions = [
  'event:case:read',
  'event:case:create',
  'event:case:accept',
  'event:case:verify',
  'event:case:register',
  'event:case:dispatch',
  'event:case:handle',
  'event:case:supervise',
  'event:case:close',
  'event:case:cancel',
  'event:case:force-close',
  'event:case:callback',
  'event:case:merge',
] as const;
