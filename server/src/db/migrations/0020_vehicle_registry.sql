-- The plate registry (车辆登记) becomes editable: an id for the API, the shop or enterprise a vehicle
-- belongs to (a shop's van), where the row came from, and the division that keeps it (scope).
ALTER TABLE vehicle_owner ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;
ALTER TABLE vehicle_owner ADD CONSTRAINT vehicle_owner_id_key UNIQUE (id);
ALTER TABLE vehicle_owner ADD COLUMN enterprise_id bigint REFERENCES enterprise(id) ON DELETE SET NULL;
ALTER TABLE vehicle_owner ADD COLUMN source text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import'));
-- Rows from before this migration (none in a deployment without a registry) go to the top division.
ALTER TABLE vehicle_owner ADD COLUMN division_code text NOT NULL DEFAULT '';
UPDATE vehicle_owner SET division_code = (SELECT code FROM division WHERE parent_code IS NULL ORDER BY code LIMIT 1)
  WHERE EXISTS (SELECT 1 FROM division WHERE parent_code IS NULL);
ALTER TABLE vehicle_owner ALTER COLUMN division_code DROP DEFAULT;
CREATE INDEX vehicle_owner_division ON vehicle_owner (division_code text_pattern_ops, updated_at DESC);
CREATE INDEX vehicle_owner_phone ON vehicle_owner (phone_idx);
CREATE INDEX vehicle_owner_enterprise ON vehicle_owner (enterprise_id);

-- Whom a category's reminder is for: the shop at the spot, or the owner of the vehicle whose plate the
-- video AI read (falling back to the shop when the plate is unread or unregistered).
ALTER TABLE outreach_policy ADD COLUMN party text NOT NULL DEFAULT 'spot' CHECK (party IN ('spot', 'vehicle'));
UPDATE outreach_policy SET party = 'vehicle' WHERE category_code = 'E0505';

-- Command-center staff keep the registry (as the opt-out list); leaders read it.
UPDATE role SET permissions = permissions || ARRAY['outreach:vehicle:read', 'outreach:vehicle:update', 'outreach:vehicle:import', 'outreach:vehicle:export']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['outreach:vehicle:read']
  WHERE builtin AND code = 'leader';
