/** Permission codes of outreach (polite reminders by SMS and voice call). */
export const outreachPermissions = [
  'outreach:message:read',
  'outreach:reminder:send',
  'outreach:reminder:recheck',
  'outreach:template:read',
  'outreach:template:update',
  'outreach:opt-out:read',
  'outreach:opt-out:update',
  'outreach:vehicle:read',
  'outreach:vehicle:update',
  'outreach:vehicle:import',
  'outreach:vehicle:export',
] as const;
