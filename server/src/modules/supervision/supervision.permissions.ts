/** Permission codes of supervision (督办). Callbacks (回访) use the event workflow's `event:case:callback`. */
export const supervisionPermissions = [
  // the supervision list of the command room
  'event:supervision:read',
  // 挂牌督办: list an event with a requirement and a reply deadline, and close the listing
  'event:supervision:list',
  // write the unit's reply to a 督办 or 挂牌督办 addressed to it
  'event:supervision:reply',
] as const;
