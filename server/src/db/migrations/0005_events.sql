-- Event center I: classification (立结案标准), work calendar, routing rules, events and their history.

-- 部件/事件 大类/小类 (GB/T 30428) plus local extensions such as 占道经营. code = kind letter + 4 digits
-- (C0101 上水井盖, E0505 机动车乱停放) so component and event codes never collide.
CREATE TABLE event_category (
  code             text PRIMARY KEY CHECK (code ~ '^[CE][0-9]{4}$'),
  kind             text NOT NULL CHECK (kind IN ('component', 'event')),
  major_code       text NOT NULL CHECK (major_code ~ '^[0-9]{2}$'),
  major_name       text NOT NULL,
  minor_code       text NOT NULL CHECK (minor_code ~ '^[0-9]{2}$'),
  minor_name       text NOT NULL,
  name_en          text,
  is_extension     boolean NOT NULL DEFAULT false,
  active           boolean NOT NULL DEFAULT true,
  -- dispatch without a dispatcher when exactly one routing rule applies
  auto_dispatch    boolean NOT NULL DEFAULT false,
  -- a polite SMS/voice reminder to the responsible party may precede enforcement (视频AI+114)
  reminder_allowed boolean NOT NULL DEFAULT false,
  sort             integer NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One 小类 has one or more 立案条件, each with its own time limit and 结案条件.
CREATE TABLE event_standard (
  id                      integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_code           text NOT NULL REFERENCES event_category(code),
  register_condition      text NOT NULL,
  close_condition         text NOT NULL,
  limit_value             numeric(8, 2) NOT NULL CHECK (limit_value > 0),
  limit_unit              text NOT NULL CHECK (limit_unit IN ('urgent_hour', 'work_hour', 'work_day', 'natural_day')),
  default_organization_id integer REFERENCES organization(id),
  sort                    integer NOT NULL DEFAULT 0,
  active                  boolean NOT NULL DEFAULT true,
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX event_standard_category ON event_standard (category_code);

-- Statutory holidays and 调休 make-up working days, per date (weekends are off unless listed here).
CREATE TABLE work_calendar_day (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL DEFAULT ''
);

-- Settings that change by place: working periods, phase limits. One row per key, JSON value.
CREATE TABLE setting (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO setting (key, value) VALUES
  ('work_periods', '[{"start": "08:30", "end": "12:00"}, {"start": "13:30", "end": "17:30"}]'),
  ('phase_limits', '{"acceptMinutes": 15, "dispatchMinutes": 15, "verifyMinutes": 30, "checkMinutes": 30}'),
  ('duplicate_window', '{"meters": 50, "hours": 24}');

-- Category × area × source → organisation, highest priority first; null matches anything.
CREATE TABLE routing_rule (
  id              integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_code   text REFERENCES event_category(code),
  division_code   text REFERENCES division(code),
  source          text,
  organization_id integer NOT NULL REFERENCES organization(id),
  priority        integer NOT NULL DEFAULT 0,
  active          boolean NOT NULL DEFAULT true,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routing_rule_category ON routing_rule (category_code);

CREATE TABLE event (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- human case number, e.g. 330203103-20261126-00042
  code                    text NOT NULL UNIQUE,
  source                  text NOT NULL CHECK (source IN ('superior', 'patrol', 'grid', 'public', 'hotline', 'iot', 'video_ai', 'backbone', 'visitor', 'inspection')),
  source_ref              text,
  -- machine sources retry safely: the same (source, key) is one event
  idempotency_key         text,
  category_code           text REFERENCES event_category(code),
  standard_id             integer REFERENCES event_standard(id),
  title                   text NOT NULL,
  description             text NOT NULL DEFAULT '',
  address                 text NOT NULL DEFAULT '',
  lng                     double precision,
  lat                     double precision,
  grid_code               text REFERENCES division(code),
  -- the grid code when placed, else the town (events outside every grid wait for manual placement)
  division_code           text NOT NULL REFERENCES division(code),
  urgency                 text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent', 'critical')),
  reporter_name           text,
  reporter_phone          text,
  reporter_user_id        integer REFERENCES app_user(id),
  state                   text NOT NULL,
  state_before_suspension text,
  -- the running phase timer: accept / verify / register / dispatch / sign / handle / check / close
  phase                   text,
  phase_started_at        timestamptz,
  phase_deadline          timestamptz,
  handling_unit_id        integer REFERENCES organization(id),
  co_unit_ids             integer[] NOT NULL DEFAULT '{}',
  handle_started_at       timestamptz,
  handle_deadline         timestamptz,
  handle_limit_value      numeric(8, 2),
  handle_limit_unit       text,
  handle_finished_at      timestamptz,
  handle_timed_out        boolean NOT NULL DEFAULT false,
  extension_count         integer NOT NULL DEFAULT 0,
  extension_request       text,
  suspended_at            timestamptz,
  suspended_until         timestamptz,
  rework_count            integer NOT NULL DEFAULT 0,
  return_count            integer NOT NULL DEFAULT 0,
  dispatch_count          integer NOT NULL DEFAULT 0,
  close_type              text CHECK (close_type IN ('normal', 'overtime', 'error', 'special')),
  closed_at               timestamptz,
  appeal_status           text NOT NULL DEFAULT 'none' CHECK (appeal_status IN ('none', 'pending', 'approved', 'rejected')),
  merged_into_id          bigint REFERENCES event(id),
  -- optimistic lock: concurrent actions on one event, exactly one wins
  version                 integer NOT NULL DEFAULT 0,
  reported_at             timestamptz NOT NULL DEFAULT now(),
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX event_idempotency ON event (source, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX event_queue ON event (state, division_code text_pattern_ops, phase_deadline) WHERE state NOT IN ('closed', 'cancelled');
CREATE INDEX event_unit_queue ON event (handling_unit_id, state) WHERE state NOT IN ('closed', 'cancelled');
CREATE INDEX event_division_time ON event (division_code text_pattern_ops, reported_at DESC);
CREATE INDEX event_reported ON event (reported_at DESC);
CREATE INDEX event_duplicates ON event (category_code, reported_at DESC);

-- Append-only: every step of every event.
CREATE TABLE event_history (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         bigint NOT NULL REFERENCES event(id),
  at               timestamptz NOT NULL DEFAULT now(),
  actor_type       text NOT NULL CHECK (actor_type IN ('user', 'token', 'system', 'public')),
  actor_id         integer,
  actor_name       text NOT NULL,
  action           text NOT NULL,
  from_state       text,
  to_state         text NOT NULL,
  note             text NOT NULL DEFAULT '',
  organization_id  integer REFERENCES organization(id),
  file_ids         integer[] NOT NULL DEFAULT '{}',
  details          jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- a second click on the same action carries the same key and changes nothing
  client_action_id text
);
CREATE INDEX event_history_event ON event_history (event_id, id);
CREATE UNIQUE INDEX event_history_client_action ON event_history (event_id, client_action_id) WHERE client_action_id IS NOT NULL;
CREATE TRIGGER event_history_no_update BEFORE UPDATE OR DELETE ON event_history
  FOR EACH ROW EXECUTE FUNCTION refuse_update_or_delete();

-- Permissions of the event center for the built-in roles.
UPDATE role SET permissions = permissions || ARRAY['event:case:read', 'event:case:create', 'event:case:accept', 'event:case:register', 'event:case:dispatch', 'event:case:supervise', 'event:case:close', 'event:case:cancel', 'event:case:verify', 'event:case:merge', 'event:category:read', 'event:calendar:read', 'event:routing:read']
  WHERE builtin AND code = 'command_center';
UPDATE role SET permissions = permissions || ARRAY['event:case:read', 'event:case:force-close', 'event:case:supervise', 'event:category:read', 'event:calendar:read', 'event:routing:read']
  WHERE builtin AND code = 'leader';
UPDATE role SET permissions = permissions || ARRAY['event:case:read', 'event:case:handle', 'event:category:read']
  WHERE builtin AND code = 'department_handler';
UPDATE role SET permissions = permissions || ARRAY['event:case:read', 'event:case:create', 'event:case:verify', 'event:category:read']
  WHERE builtin AND code IN ('village_admin', 'grid_worker');
