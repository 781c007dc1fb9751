-- Event center II: supervision (催办 / 督办 / 挂牌督办), satisfaction callbacks (回访) and in-app notices.

-- One row per supervision step on an event. Automatic steps are keyed by the phase deadline that
-- triggered them, so a scheduler that runs twice (or after a restart) never sends the same step twice.
CREATE TABLE event_supervision (
  id               integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         integer NOT NULL REFERENCES event(id),
  -- remind 催办 (yellow light) · supervise 督办 (red light) · listed 挂牌督办 (by a leader)
  level            text NOT NULL CHECK (level IN ('remind', 'supervise', 'listed')),
  trigger          text NOT NULL CHECK (trigger IN ('auto', 'manual')),
  phase            text,
  phase_deadline   timestamptz,
  -- the unit that must act (and, for 督办 / 挂牌督办, reply in writing)
  organization_id  integer REFERENCES organization(id),
  division_code    text NOT NULL,
  requirement      text NOT NULL DEFAULT '',
  reply_required   boolean NOT NULL DEFAULT false,
  reply_deadline   timestamptz,
  reply            text,
  replied_at       timestamptz,
  replied_by       integer REFERENCES app_user(id),
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'replied', 'closed')),
  created_by       integer REFERENCES app_user(id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  closed_at        timestamptz
);
CREATE UNIQUE INDEX event_supervision_auto_once ON event_supervision (event_id, level, phase, phase_deadline) WHERE trigger = 'auto';
-- One open 挂牌督办 per event at a time: a second listing while one runs is refused.
CREATE UNIQUE INDEX event_supervision_listed_once ON event_supervision (event_id) WHERE level = 'listed' AND status <> 'closed';
CREATE INDEX event_supervision_event ON event_supervision (event_id, id);
CREATE INDEX event_supervision_open ON event_supervision (division_code text_pattern_ops, created_at DESC) WHERE status <> 'closed';

-- The highest open supervision level of an event, kept on the event for queues, lists and the dashboard.
ALTER TABLE event ADD COLUMN supervision_level text CHECK (supervision_level IN ('remind', 'supervise', 'listed'));
CREATE INDEX event_supervised ON event (supervision_level, division_code text_pattern_ops) WHERE supervision_level IS NOT NULL;

-- 回访: one satisfaction callback per closure (closed_at identifies which closure it judges).
CREATE TABLE event_callback (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id       integer NOT NULL REFERENCES event(id),
  closed_at      timestamptz NOT NULL,
  -- the 12345 columns: 是否有效回访 / 是否联系 / 是否解决 / 是否满意
  valid          boolean NOT NULL DEFAULT true,
  contacted      boolean NOT NULL DEFAULT true,
  resolved       boolean NOT NULL,
  satisfaction   text NOT NULL CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied')),
  comment        text NOT NULL DEFAULT '',
  channel        text NOT NULL CHECK (channel IN ('h5', 'staff', 'open311')),
  recorded_by    integer REFERENCES app_user(id),
  division_code  text NOT NULL,
  handling_unit_id integer REFERENCES organization(id),
  at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (event_id, closed_at)
);
CREATE INDEX event_callback_at ON event_callback (division_code text_pattern_ops, at);

-- In-app notices, one row per recipient; pushed over SSE when written.
CREATE TABLE notification (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      integer NOT NULL REFERENCES app_user(id),
  -- an i18n key and its parameters, so each reader sees the notice in their own language
  kind         text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}',
  entity_type  text,
  entity_id    text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  read_at      timestamptz
);
CREATE INDEX notification_inbox ON notification (user_id, id DESC);
CREATE INDEX notification_unread ON notification (user_id) WHERE read_at IS NULL;
