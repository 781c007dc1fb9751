-- The grid data scope (网格范围): a role with it sees the unit grids of the responsibility grids its
-- user serves as primary or backup (双岗), in however many villages they lie. The built-in grid-worker
-- role takes it; admins may give it to other roles or take it back, like any role setting.
ALTER TABLE role DROP CONSTRAINT role_data_scope_check;
ALTER TABLE role ADD CONSTRAINT role_data_scope_check CHECK (data_scope IN ('division', 'grid', 'organization', 'self'));
UPDATE role SET data_scope = 'grid' WHERE builtin AND code = 'grid_worker';

-- A worker's grids are read whenever their session is (re)loaded: find them by either post.
CREATE INDEX responsibility_grid_primary_user ON responsibility_grid (primary_user_id);
CREATE INDEX responsibility_grid_backup_user ON responsibility_grid (backup_user_id);
