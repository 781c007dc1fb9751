-- Built-in roles. They are data: admins edit them afterwards. Later migrations that add permission
-- codes grant them to the built-in roles with UPDATE … WHERE builtin, so upgraded databases get them too.
INSERT INTO role (code, name_zh, name_en, data_scope, permissions, builtin) VALUES
  ('admin', '系统管理员', 'System administrator', 'division', ARRAY['*:*:*'], true),
  ('command_center', '指挥室值班员', 'Command-center staff', 'division', ARRAY['system:user:read', 'system:division:read', 'system:organization:read', 'file:file:upload', 'file:file:read'], true),
  ('leader', '镇领导', 'Town leader', 'division', ARRAY['system:user:read', 'system:division:read', 'system:organization:read', 'system:audit:read', 'file:file:read'], true),
  ('department_handler', '部门处置人员', 'Department handler', 'organization', ARRAY['file:file:upload', 'file:file:read'], true),
  ('village_admin', '村社管理员', 'Village administrator', 'division', ARRAY['system:user:read', 'system:user:create', 'system:user:update', 'system:division:read', 'system:organization:read', 'file:file:upload', 'file:file:read'], true),
  ('grid_worker', '网格员', 'Grid worker', 'division', ARRAY['file:file:upload', 'file:file:read'], true),
  ('fund_staff', '公积金中心工作人员', 'Provident-fund staff', 'organization', ARRAY['file:file:upload', 'file:file:read'], true),
  ('auditor', '安全审计员', 'Security auditor', 'division', ARRAY['system:audit:read', 'system:audit:export', 'system:login-log:read'], true);
