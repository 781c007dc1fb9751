-- Video AI: detections from external analytics (Frigate over MQTT, Hikvision and Dahua pushes, our
-- signed webhook) and from the built-in detector become events through rules kept as data.

-- A camera's video-AI settings. source_name is the name detections carry for it (Frigate's camera
-- name, the webhook's "camera"); frigate_url the base of its Frigate HTTP API (snapshots);
-- push_token_hash the SHA-256 of the token in its vendor push URL (Hikvision / Dahua cannot sign).
-- The built-in detector is off unless enabled here; it pulls frames from detector_source (an http(s)
-- URL, or a file path under <data dir>/frames/; unset: the device's snapshot URL) every
-- detector_interval_s. snapshot_* is the latest frame the platform holds.
CREATE TABLE camera_ai (
  device_id            integer PRIMARY KEY REFERENCES device(id) ON DELETE CASCADE,
  source_name          text NOT NULL UNIQUE CHECK (source_name ~ '^[A-Za-z0-9_-]{1,64}$'),
  frigate_url          text CHECK (frigate_url ~ '^https?://'),
  push_token_hash      text UNIQUE,
  push_token_issued_at timestamptz,
  detector_enabled     boolean NOT NULL DEFAULT false,
  detector_interval_s  integer NOT NULL DEFAULT 60 CHECK (detector_interval_s BETWEEN 5 AND 86400),
  detector_source      text,
  snapshot_file_id     integer REFERENCES stored_file(id),
  snapshot_at          timestamptz,
  snapshot_error       text,
  snapshot_error_at    timestamptz,
  updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Rules as data: an object (labels, optionally with one of with_labels present in the same zone) in a
-- zone of zone_type, for at least min_dwell_s (and stationary when required), or a vendor alarm code,
-- becomes an event of category_code. Lowest priority number is tried first; the first match wins.
CREATE TABLE video_rule (
  id                 integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL,
  labels             text[] NOT NULL DEFAULT '{}',
  vendor_codes       text[] NOT NULL DEFAULT '{}',
  zone_type          text CHECK (zone_type IN ('no_parking', 'no_stall', 'no_dumping', 'no_hanging', 'no_occupation', 'watch')),
  with_labels        text[] NOT NULL DEFAULT '{}',
  min_dwell_s        integer NOT NULL DEFAULT 0 CHECK (min_dwell_s BETWEEN 0 AND 86400),
  require_stationary boolean NOT NULL DEFAULT false,
  min_score          real NOT NULL DEFAULT 0.5 CHECK (min_score >= 0 AND min_score <= 1),
  category_code      text NOT NULL REFERENCES event_category(code),
  priority           integer NOT NULL DEFAULT 100,
  active             boolean NOT NULL DEFAULT true,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CHECK (cardinality(labels) > 0 OR cardinality(vendor_codes) > 0),
  CHECK (cardinality(with_labels) = 0 OR zone_type IS NOT NULL)
);

-- One tracked object (or one vendor alarm) on one camera: the de-duplication unit, so one parked car
-- is one row and at most one event. track_key is source-specific (Frigate event id, Dahua index +
-- code + object, …); a repeat of the key within the de-duplication window updates the same row.
-- box: [x1, y1, x2, y2] relative to the frame (0..1) when the source gives one.
CREATE TABLE video_detection (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  device_id        integer NOT NULL REFERENCES device(id) ON DELETE CASCADE,
  source           text NOT NULL CHECK (source IN ('frigate', 'hikvision', 'dahua', 'webhook', 'detector')),
  track_key        text NOT NULL,
  label            text NOT NULL,
  sub_label        text,
  vendor_code      text,
  score            real,
  box              jsonb,
  zones            text[] NOT NULL DEFAULT '{}',
  stationary       boolean NOT NULL DEFAULT false,
  first_at         timestamptz NOT NULL,
  last_at          timestamptz NOT NULL,
  ended_at         timestamptz,
  end_reason       text CHECK (end_reason IN ('gone', 'stale')),
  updates          integer NOT NULL DEFAULT 1,
  rule_id          integer REFERENCES video_rule(id) ON DELETE SET NULL,
  category_code    text,
  event_id         bigint REFERENCES event(id),
  event_error      text,
  snapshot_file_id integer REFERENCES stored_file(id),
  snapshot_error   text,
  division_code    text NOT NULL,
  CHECK ((ended_at IS NULL) = (end_reason IS NULL))
);
CREATE UNIQUE INDEX video_detection_track ON video_detection (device_id, track_key) WHERE ended_at IS NULL;
CREATE INDEX video_detection_device ON video_detection (device_id, first_at DESC);
CREATE INDEX video_detection_division ON video_detection (division_code text_pattern_ops, first_at DESC);
CREATE INDEX video_detection_recent ON video_detection (last_at) WHERE ended_at IS NULL OR event_id IS NOT NULL;

-- Messages refused before they reached a camera (unknown camera, bad signature, malformed): kept so
-- that an operator can see who sends what; purged after 30 days by the video scheduler.
CREATE TABLE video_refusal (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  source  text NOT NULL,
  code    text NOT NULL,
  camera  text,
  detail  text NOT NULL,
  remote  text
);
CREATE INDEX video_refusal_at ON video_refusal (at DESC);

-- The command center and village admins watch detections and set up their cameras; leaders and grid
-- workers read detections; admins (*:*:*) edit the rules.
UPDATE role SET permissions = permissions || ARRAY['video:detection:read', 'video:rule:read', 'video:camera:update']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['video:detection:read', 'video:rule:read', 'video:camera:update']
  WHERE builtin AND code = 'village_admin';
UPDATE role SET permissions = permissions || ARRAY['video:detection:read', 'video:rule:read']
  WHERE builtin AND code = 'leader';
UPDATE role SET permissions = permissions || ARRAY['video:detection:read']
  WHERE builtin AND code = 'grid_worker';
