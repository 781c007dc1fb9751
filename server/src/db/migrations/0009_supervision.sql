-- Event center II: who supervises, who replies, and how long a unit has for its written reply.

-- The head of a unit receives its 督办 and 挂牌督办 notices (a unit without one: all its users do).
INSERT INTO role (code, name_zh, name_en, data_scope, permissions, builtin) VALUES
  ('unit_head', '单位负责人', 'Unit head', 'organization',
   ARRAY['event:case:read', 'event:case:handle', 'event:category:read', 'event:supervision:read', 'event:supervision:reply', 'file:file:upload', 'file:file:read'], true);

-- 挂牌督办 by leaders and the command center; written replies by the units (and the command center
-- for the steps it owns before dispatch and after handling).
UPDATE role SET permissions = permissions || ARRAY['event:supervision:read', 'event:supervision:list', 'event:supervision:reply']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['event:supervision:read', 'event:supervision:list']
  WHERE builtin AND code = 'leader';
UPDATE role SET permissions = permissions || ARRAY['event:supervision:read', 'event:supervision:reply']
  WHERE builtin AND code = 'department_handler';

-- An automatic 督办 asks for a written reply within this limit (the 12345 rules: the day after).
INSERT INTO setting (key, value) VALUES ('supervision_reply_limit', '{"value": 1, "unit": "work_day"}');
