-- Grids and boundaries: outlines of the town and its villages, unit grids (单元网格), responsibility
-- grids (责任网格) and the history of every boundary change.
-- Geometries are GeoJSON Polygon or MultiPolygon in WGS84/CGCS2000 longitude/latitude (EPSG:4326).
-- No PostGIS (PGlite has none): the bbox columns make quick rectangle filters, and point lookups run in
-- the server's in-memory index.

CREATE TABLE boundary (
  division_code text PRIMARY KEY REFERENCES division(code) CHECK (length(division_code) IN (9, 12)),
  geometry      jsonb NOT NULL,
  min_lng       double precision NOT NULL,
  min_lat       double precision NOT NULL,
  max_lng       double precision NOT NULL,
  max_lat       double precision NOT NULL,
  area_m2       double precision NOT NULL,
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- The code is the 14-digit unit-grid division code (village code + 2-digit sequence).
CREATE TABLE unit_grid (
  code       text PRIMARY KEY REFERENCES division(code) CHECK (length(code) = 14),
  geometry   jsonb NOT NULL,
  min_lng    double precision NOT NULL,
  min_lat    double precision NOT NULL,
  max_lng    double precision NOT NULL,
  max_lat    double precision NOT NULL,
  area_m2    double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A bundle of unit grids of one village, served by a primary grid worker and a backup (双岗).
CREATE TABLE responsibility_grid (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code            text NOT NULL UNIQUE,
  name            text NOT NULL,
  village_code    text NOT NULL REFERENCES division(code) CHECK (length(village_code) = 12),
  primary_user_id integer REFERENCES app_user(id),
  backup_user_id  integer REFERENCES app_user(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (backup_user_id IS NULL OR backup_user_id <> primary_user_id)
);
CREATE INDEX responsibility_grid_village ON responsibility_grid (village_code text_pattern_ops);

-- The primary key makes "a unit grid belongs to at most one responsibility grid" a database rule.
CREATE TABLE responsibility_grid_unit (
  unit_grid_code         text PRIMARY KEY REFERENCES division(code) CHECK (length(unit_grid_code) = 14),
  responsibility_grid_id integer NOT NULL REFERENCES responsibility_grid(id) ON DELETE CASCADE
);
CREATE INDEX responsibility_grid_unit_grid ON responsibility_grid_unit (responsibility_grid_id);

-- Every geometry a boundary or unit grid ever had. Append-only like the audit trail.
CREATE TABLE boundary_history (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  division_code   text NOT NULL REFERENCES division(code),
  old_geometry    jsonb,
  new_geometry    jsonb NOT NULL,
  changed_by      integer REFERENCES app_user(id),
  changed_by_name text NOT NULL,
  changed_at      timestamptz NOT NULL DEFAULT now(),
  source          text NOT NULL CHECK (source IN ('seed', 'import', 'edit')),
  reason          text NOT NULL
);
CREATE INDEX boundary_history_division ON boundary_history (division_code text_pattern_ops, id);
CREATE TRIGGER boundary_history_no_update BEFORE UPDATE OR DELETE ON boundary_history
  FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();

-- Every map reader may see grids; command center and village admins keep responsibility grids;
-- boundary imports and edits stay with the admin (who holds *:*:*).
UPDATE role SET permissions = permissions || ARRAY['map:grid:read', 'map:responsibility-grid:read']
  WHERE builtin AND code IN ('command_center', 'leader', 'village_admin', 'grid_worker', 'department_handler');
UPDATE role SET permissions = permissions || ARRAY['map:responsibility-grid:create', 'map:responsibility-grid:update']
  WHERE builtin AND code IN ('command_center', 'village_admin');
