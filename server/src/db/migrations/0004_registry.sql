-- Base registry (人、房、企、事、物): houses, households, people, enterprises and shops, key places and
-- IoT devices. Every record is a point (lng/lat WGS84) assigned to the unit grid it lies in when saved:
-- grid_code is that 14-digit grid, division_code the same code kept for data scope (a prefix match
-- gives its village and town).
-- ID numbers and phones are stored encrypted (*_enc, algorithm named in the value), with a keyed blind
-- index (*_idx) for exact search and the masked form (*_masked) that lists show; never in plain text.

CREATE TABLE house (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  address       text NOT NULL UNIQUE,
  owner_name    text,
  use_type      text NOT NULL DEFAULT 'residential' CHECK (use_type IN ('residential', 'rental', 'shop', 'factory', 'mixed')),
  floors        integer CHECK (floors BETWEEN 1 AND 200),
  lng           double precision NOT NULL,
  lat           double precision NOT NULL,
  grid_code     text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code text NOT NULL CHECK (division_code = grid_code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE household (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  household_no   text NOT NULL UNIQUE,
  address        text,
  house_id       integer REFERENCES house(id),
  head_person_id integer,
  lng            double precision NOT NULL,
  lat            double precision NOT NULL,
  grid_code      text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code  text NOT NULL CHECK (division_code = grid_code),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE person (
  id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name             text NOT NULL,
  id_number_enc    text NOT NULL,
  id_number_idx    text NOT NULL UNIQUE,
  id_number_masked text NOT NULL,
  phone_enc        text,
  phone_idx        text,
  phone_masked     text,
  gender           text NOT NULL CHECK (gender IN ('M', 'F')),
  birth_date       date NOT NULL,
  household_id     integer REFERENCES household(id),
  relation         text CHECK (relation IN ('head', 'spouse', 'child', 'parent', 'other')),
  residence_type   text NOT NULL DEFAULT 'registered' CHECK (residence_type IN ('registered', 'floating', 'rented')),
  tags             text[] NOT NULL DEFAULT '{}',
  house_id         integer REFERENCES house(id),
  room             text,
  lng              double precision NOT NULL,
  lat              double precision NOT NULL,
  grid_code        text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code    text NOT NULL CHECK (division_code = grid_code),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE household ADD CONSTRAINT household_head FOREIGN KEY (head_person_id) REFERENCES person(id);
CREATE INDEX person_phone ON person (phone_idx);
CREATE INDEX person_household ON person (household_id);

CREATE TABLE enterprise (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL,
  credit_code   text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$'),
  kind          text NOT NULL CHECK (kind IN ('company', 'individual', 'shop')),
  industry      text,
  legal_rep     text,
  phone_enc     text,
  phone_idx     text,
  phone_masked  text,
  address       text NOT NULL,
  lng           double precision NOT NULL,
  lat           double precision NOT NULL,
  grid_code     text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code text NOT NULL CHECK (division_code = grid_code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX enterprise_phone ON enterprise (phone_idx);

CREATE TABLE key_place (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('school', 'hospital', 'nursing_home', 'market', 'entertainment', 'boat', 'amusement', 'other')),
  address       text NOT NULL,
  crowded       boolean NOT NULL DEFAULT false,
  contact_name  text,
  lng           double precision NOT NULL,
  lat           double precision NOT NULL,
  grid_code     text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code text NOT NULL CHECK (division_code = grid_code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, address)
);

-- Cameras carry their GB/T 28181 channel id, sensors a serial number and a kind (dictionary sensor_kind);
-- device_key is the one natural key re-imports match on.
CREATE TABLE device (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_type   text NOT NULL CHECK (device_type IN ('camera', 'sensor')),
  name          text NOT NULL,
  channel_id    text CHECK (channel_id ~ '^[0-9]{20}$'),
  serial_no     text,
  sensor_kind   text,
  ai_enabled    boolean NOT NULL DEFAULT false,
  status        text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline')),
  last_seen_at  timestamptz,
  address       text,
  device_key    text GENERATED ALWAYS AS (CASE WHEN device_type = 'camera' THEN channel_id ELSE serial_no END) STORED NOT NULL UNIQUE,
  lng           double precision NOT NULL,
  lat           double precision NOT NULL,
  grid_code     text NOT NULL REFERENCES division(code) CHECK (length(grid_code) = 14),
  division_code text NOT NULL CHECK (division_code = grid_code),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (device_type <> 'camera' OR channel_id IS NOT NULL),
  CHECK (device_type <> 'sensor' OR (serial_no IS NOT NULL AND sensor_kind IS NOT NULL))
);

-- Scope (prefix on division_code) and map viewports (lng/lat ranges) on every located table.
CREATE INDEX house_division ON house (division_code text_pattern_ops);
CREATE INDEX house_position ON house (lng, lat);
CREATE INDEX household_division ON household (division_code text_pattern_ops);
CREATE INDEX household_position ON household (lng, lat);
CREATE INDEX person_division ON person (division_code text_pattern_ops);
CREATE INDEX person_position ON person (lng, lat);
CREATE INDEX enterprise_division ON enterprise (division_code text_pattern_ops);
CREATE INDEX enterprise_position ON enterprise (lng, lat);
CREATE INDEX key_place_division ON key_place (division_code text_pattern_ops);
CREATE INDEX key_place_position ON key_place (lng, lat);
CREATE INDEX device_division ON device (division_code text_pattern_ops);
CREATE INDEX device_position ON device (lng, lat);

-- The daily reveal limit counts an actor's reveals of today in the audit trail.
CREATE INDEX audit_log_reveal ON audit_log (actor_type, actor_id, at) WHERE action = 'registry:personal-data:reveal';

-- Special-care tags of people and kinds of IoT sensors: data, editable by admins.
INSERT INTO dictionary_item (dict_type, value, label_zh, label_en, color, sort) VALUES
  ('person_tag', 'elderly_alone', '独居老人', 'Elderly living alone', '#d48806', 0),
  ('person_tag', 'disabled', '残疾人', 'Disabled', '#2f6fb0', 1),
  ('person_tag', 'low_income', '低保户', 'Low-income (dibao)', '#7d5ba6', 2),
  ('person_tag', 'key_youth', '重点青少年', 'Key youth', '#c0392b', 3),
  ('person_tag', 'left_behind_child', '留守儿童', 'Left-behind child', '#b8860b', 4),
  ('person_tag', 'veteran', '退役军人', 'Veteran', '#2e8b57', 5),
  ('person_tag', 'community_correction', '社区矫正对象', 'Under community correction', '#8b1a1a', 6),
  ('person_tag', 'serious_illness', '大病重病', 'Serious illness', '#5f6b7a', 7),
  ('sensor_kind', 'smoke', '烟感', 'Smoke detector', null, 0),
  ('sensor_kind', 'combustible_gas', '可燃气体', 'Combustible gas', null, 1),
  ('sensor_kind', 'water_level', '水位', 'Water level', null, 2),
  ('sensor_kind', 'manhole_cover', '井盖', 'Manhole cover', null, 3),
  ('sensor_kind', 'electrical_fire', '电气火灾', 'Electrical fire', null, 4),
  ('sensor_kind', 'hydrant_pressure', '消防栓水压', 'Hydrant pressure', null, 5),
  ('sensor_kind', 'temperature_humidity', '温湿度', 'Temperature and humidity', null, 6),
  ('sensor_kind', 'noise', '噪声', 'Noise', null, 7),
  ('sensor_kind', 'air_quality', '空气质量', 'Air quality', null, 8),
  ('sensor_kind', 'structural_tilt', '结构倾斜', 'Structural tilt', null, 9),
  ('sensor_kind', 'door_magnet', '门磁', 'Door magnet', null, 10)
ON CONFLICT (dict_type, value) DO NOTHING;

-- Readers see the registry of their area; village admins and grid workers keep it; only village admins
-- may reveal full ID numbers and phones (each reveal audited, limited per day).
UPDATE role SET permissions = permissions || ARRAY['registry:*:read', 'registry:stats:read', 'registry:*:export']
  WHERE builtin AND code IN ('command_center', 'leader');
UPDATE role SET permissions = permissions || ARRAY['registry:*:read', 'registry:stats:read', 'registry:*:create', 'registry:*:update', 'registry:*:import', 'registry:*:export', 'registry:personal-data:reveal']
  WHERE builtin AND code = 'village_admin';
UPDATE role SET permissions = permissions || ARRAY['registry:*:read', 'registry:stats:read', 'registry:person:create', 'registry:person:update', 'registry:household:create', 'registry:household:update', 'registry:house:create', 'registry:house:update']
  WHERE builtin AND code = 'grid_worker';
