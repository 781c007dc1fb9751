-- Devices and IoT intake: what the base registry's `device` (0004) needs to take telemetry, judge it
-- against alarm rules and keep alarms; cameras gain what video analysis will need (view, stream,
-- snapshot, zones drawn on the image).

-- A device that reports carries the SHA-256 of its access token (ThingsBoard style: the token is the
-- MQTT username or the HTTP path segment; the plaintext is shown once when issued).
-- report_interval_s: how often it is expected to report (offline after that × a tolerance factor).
-- gateway_id: the gateway allowed to publish for it (ThingsBoard gateway API).
-- alarm_overrides: per-device changes to its kind's alarm rules, by alarm type
--   {"gas_high": {"levels": [...], "clear": {...}, "enabled": true}} (checked by the service).
-- telemetry_rejected / last_error*: the last refused message and how many were refused.
ALTER TABLE device
  ADD COLUMN token_hash         text UNIQUE,
  ADD COLUMN token_issued_at    timestamptz,
  ADD COLUMN report_interval_s  integer CHECK (report_interval_s BETWEEN 10 AND 604800),
  ADD COLUMN gateway_id         integer REFERENCES device(id),
  ADD COLUMN alarm_overrides    jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN view_description   text,
  ADD COLUMN stream_url         text,
  ADD COLUMN snapshot_url       text,
  ADD COLUMN telemetry_rejected integer NOT NULL DEFAULT 0,
  ADD COLUMN last_error         text,
  ADD COLUMN last_error_at      timestamptz;
CREATE INDEX device_gateway ON device (gateway_id) WHERE gateway_id IS NOT NULL;
-- The intake loads the reporting devices (a token of their own, or a gateway's) on start and refresh.
CREATE INDEX device_reporting ON device (id) WHERE token_hash IS NOT NULL OR gateway_id IS NOT NULL;

-- Zones drawn on a camera's snapshot: polygons in image pixel coordinates [[x, y], …] of the snapshot
-- size they were drawn on, with what is forbidden there. Video analysis matches detections to them.
CREATE TABLE camera_zone (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id     integer NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  name          text NOT NULL,
  zone_type     text NOT NULL CHECK (zone_type IN ('no_parking', 'no_stall', 'no_dumping', 'no_hanging', 'no_occupation', 'watch')),
  polygon       jsonb NOT NULL,
  image_width   integer NOT NULL CHECK (image_width > 0),
  image_height  integer NOT NULL CHECK (image_height > 0),
  active        boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (device_id, name)
);

-- Telemetry: one row per device and instant, the numeric readings of that instant as one jsonb object
-- ({"gas_lel": 12.5, "battery": 87}). Charts read one device over a time range: the index serves it.
-- Not unique: a batch merges the readings of one instant, and a rare repeat across batches (a QoS 1
-- redelivery) costs less than checking every insert for one. Rows older than the retention
-- (TELEMETRY_RETENTION_DAYS) are purged by the device scheduler.
CREATE TABLE telemetry (
  device_id integer NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  ts        timestamptz NOT NULL,
  readings  jsonb NOT NULL
);
CREATE INDEX telemetry_device_ts ON telemetry (device_id, ts);
CREATE INDEX telemetry_ts ON telemetry (ts);

-- Alarm rules per sensor kind, as data (ThingsBoard device-profile alarm rules): one telemetry key,
-- severity levels checked from the most severe down, how long or how often the condition must hold,
-- a clear condition (hysteresis) and whether — from which severity — the alarm opens an event.
-- levels: [{"severity": "critical", "op": ">=", "value": 50}, …]; clear_condition: {"op": "<", "value": 20}
-- or null (cleared when no level holds).
CREATE TABLE alarm_rule (
  id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sensor_kind        text NOT NULL,
  alarm_type         text NOT NULL CHECK (alarm_type ~ '^[a-z][a-z0-9_]{1,39}$' AND alarm_type <> 'offline'),
  name_zh            text NOT NULL,
  name_en            text NOT NULL,
  telemetry_key      text NOT NULL,
  levels             jsonb NOT NULL,
  mode               text NOT NULL DEFAULT 'simple' CHECK (mode IN ('simple', 'duration', 'repeating')),
  duration_s         integer CHECK (duration_s BETWEEN 1 AND 86400),
  repeat_count       integer CHECK (repeat_count BETWEEN 2 AND 100),
  clear_condition    jsonb,
  event_category     text REFERENCES event_category(code),
  event_min_severity text CHECK (event_min_severity IN ('critical', 'major', 'minor', 'warning')),
  active             boolean NOT NULL DEFAULT true,
  source_note        text NOT NULL DEFAULT '',
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (sensor_kind, alarm_type),
  CHECK (mode <> 'duration' OR duration_s IS NOT NULL),
  CHECK (mode <> 'repeating' OR repeat_count IS NOT NULL),
  CHECK ((event_category IS NULL) = (event_min_severity IS NULL))
);

-- Alarms (ThingsBoard / Cumulocity model): at most one active alarm per device and type; repeats while
-- active raise `count` and `last_at`; after a clear the next trigger opens a new alarm. division_code is
-- the device's, kept for data scope. Type `offline` is raised by the silence check, not by a rule.
CREATE TABLE alarm (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id        integer NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  alarm_type       text NOT NULL,
  rule_id          integer REFERENCES alarm_rule(id),
  severity         text NOT NULL CHECK (severity IN ('critical', 'major', 'minor', 'warning')),
  status           text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cleared')),
  acknowledged     boolean NOT NULL DEFAULT false,
  count            integer NOT NULL DEFAULT 1,
  started_at       timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  ack_at           timestamptz,
  ack_by           text,
  cleared_at       timestamptz,
  cleared_by       text,
  clear_reason     text CHECK (clear_reason IN ('condition', 'manual', 'online', 'rule_removed')),
  details          jsonb NOT NULL DEFAULT '{}'::jsonb,
  event_id         bigint REFERENCES event(id),
  event_error      text,
  division_code    text NOT NULL,
  CHECK ((status = 'cleared') = (cleared_at IS NOT NULL))
);
CREATE UNIQUE INDEX alarm_one_active ON alarm (device_id, alarm_type) WHERE status = 'active';
CREATE INDEX alarm_device ON alarm (device_id, started_at DESC);
CREATE INDEX alarm_open_division ON alarm (division_code text_pattern_ops) WHERE status = 'active';
CREATE INDEX alarm_started ON alarm (started_at DESC);

-- What a duration or repeating condition has seen so far (matches in a row, since when), so that a
-- restart does not forget a condition half-way to its alarm. Written with the telemetry batches.
CREATE TABLE alarm_pending (
  device_id   integer NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  alarm_type  text NOT NULL,
  matches     integer NOT NULL,
  since       timestamptz NOT NULL,
  PRIMARY KEY (device_id, alarm_type)
);

INSERT INTO dictionary_item (dict_type, value, label_zh, label_en, color, sort) VALUES
  ('sensor_kind', 'gateway', '物联网关', 'IoT gateway', null, 11),
  ('alarm_severity', 'critical', '严重', 'Critical', '#c0392b', 0),
  ('alarm_severity', 'major', '重要', 'Major', '#e67e22', 1),
  ('alarm_severity', 'minor', '次要', 'Minor', '#d4b106', 2),
  ('alarm_severity', 'warning', '警告', 'Warning', '#2f6fb0', 3)
ON CONFLICT (dict_type, value) DO NOTHING;

-- The command center watches and handles alarms; leaders and village admins read them; admins (*:*:*)
-- edit the rules. Village admins keep their devices' tokens and settings (they already edit devices).
UPDATE role SET permissions = permissions || ARRAY['device:alarm:read', 'device:alarm:handle', 'device:telemetry:read', 'device:alarm-rule:read', 'device:settings:update', 'device:token:issue']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['device:alarm:read', 'device:telemetry:read', 'device:alarm-rule:read']
  WHERE builtin AND code = 'leader';
UPDATE role SET permissions = permissions || ARRAY['device:alarm:read', 'device:alarm:handle', 'device:telemetry:read', 'device:alarm-rule:read', 'device:settings:update', 'device:token:issue']
  WHERE builtin AND code = 'village_admin';
UPDATE role SET permissions = permissions || ARRAY['device:alarm:read', 'device:telemetry:read']
  WHERE builtin AND code = 'grid_worker';
