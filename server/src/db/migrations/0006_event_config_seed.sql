-- Event center II: configuration. The catalogue, its 立结案标准 and the 2026 calendar are loaded by
-- modules/events/config/seed/base-seed.ts on first start (they are data admins edit afterwards).

-- The 立结案标准 import matches rows by (小类, 立案条件): one condition text per 小类.
CREATE UNIQUE INDEX event_standard_condition ON event_standard (category_code, register_condition);

-- Reading (including export) for the command center and leaders, who already read the configuration
-- (0005); the command center maintains routing. Catalogue import and calendar edits stay with admin.
UPDATE role SET permissions = permissions || ARRAY['event:category:export', 'event:routing:update']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['event:category:export']
  WHERE builtin AND code = 'leader';
