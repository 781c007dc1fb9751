-- Outreach (视频AI + 114): polite reminders by SMS or voice call to the party responsible for a
-- street-order problem, an outbox the delivery worker sends from, opt-outs, and the re-check that
-- closes the event ("resolved by reminder") or escalates it to law enforcement.

-- Message templates per category and channel; category_code NULL is the default for every category
-- that allows reminders. {place}, {party}, {category}, {time}, {deadline_minutes}, {sign} are
-- filled when a reminder is sent. provider_template_code is the provider's approved template (e.g.
-- Aliyun SMS_123456789), which some SMS providers require instead of free text.
-- No foreign key to event_category: the catalogue is loaded after the migrations on a new database.
CREATE TABLE outreach_template (
  id                     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  category_code          text CHECK (category_code ~ '^[CE][0-9]{4}$'),
  channel                text NOT NULL CHECK (channel IN ('sms', 'voice')),
  body                   text NOT NULL CHECK (length(body) BETWEEN 1 AND 500),
  provider_template_code text,
  active                 boolean NOT NULL DEFAULT true,
  updated_by             integer REFERENCES app_user(id),
  updated_at             timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX outreach_template_one ON outreach_template (coalesce(category_code, ''), channel);

-- Per category: how long the party has to comply, and which channels a reminder uses.
-- Categories without a row use the defaults in the 'outreach' setting.
CREATE TABLE outreach_policy (
  category_code text PRIMARY KEY CHECK (category_code ~ '^[CE][0-9]{4}$'),
  grace_minutes integer NOT NULL CHECK (grace_minutes BETWEEN 1 AND 1440),
  channels      text[] NOT NULL CHECK (cardinality(channels) BETWEEN 1 AND 2 AND channels <@ ARRAY['sms', 'voice']),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- One row per reminder decision on an event. 'no_party' and 'not_sent' (every message skipped) are
-- kept too: the event went the normal way, and the record says why.
CREATE TABLE outreach_reminder (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  event_id         bigint NOT NULL REFERENCES event(id),
  division_code    text NOT NULL,
  category_code    text NOT NULL,
  status           text NOT NULL CHECK (status IN ('no_party', 'not_sent', 'awaiting', 'complied', 'not_complied', 'expired', 'superseded')),
  party_kind       text CHECK (party_kind IN ('enterprise', 'vehicle')),
  party_ref        text,
  party_name       text,
  recipient_masked text,
  grace_minutes    integer,
  recheck_due_at   timestamptz,
  resolved_at      timestamptz,
  resolved_source  text CHECK (resolved_source IN ('detection', 'manual', 'deadline', 'workflow')),
  created_by       integer REFERENCES app_user(id),
  created_at       timestamptz NOT NULL DEFAULT now()
);
-- At most one reminder waits for its re-check per event.
CREATE UNIQUE INDEX outreach_reminder_awaiting ON outreach_reminder (event_id) WHERE status = 'awaiting';
CREATE INDEX outreach_reminder_event ON outreach_reminder (event_id, id);
CREATE INDEX outreach_reminder_due ON outreach_reminder (recheck_due_at) WHERE status = 'awaiting';

-- The outbox: written in the business transaction, sent afterwards by the delivery worker.
-- The recipient is encrypted like every phone (privacy/field-cipher.ts); the blind index serves the
-- opt-out check and the per-recipient rate limit; screens show only the masked form.
CREATE TABLE outreach_message (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  reminder_id         bigint REFERENCES outreach_reminder(id),
  event_id            bigint REFERENCES event(id),
  division_code       text NOT NULL,
  channel             text NOT NULL CHECK (channel IN ('sms', 'voice')),
  template_id         integer REFERENCES outreach_template(id),
  body                text NOT NULL,
  template_code       text,
  params              jsonb NOT NULL DEFAULT '{}',
  recipient_enc       text NOT NULL,
  recipient_idx       text NOT NULL,
  recipient_masked    text NOT NULL,
  status              text NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'failed', 'skipped')),
  -- why it was skipped or failed: opted_out, rate_limited, max_attempts, permanent, outcome_unknown, interrupted…
  reason              text,
  last_error          text,
  provider            text,
  provider_message_id text,
  -- sent to providers that deduplicate (webhook: Idempotency-Key; Aliyun: OutId, for receipts)
  idempotency_key     text NOT NULL UNIQUE,
  attempts            integer NOT NULL DEFAULT 0,
  next_attempt_at     timestamptz NOT NULL,
  -- a claimed message belongs to one worker (claim_token) until lease_until
  claim_token         text,
  lease_until         timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  sent_at             timestamptz,
  delivered_at        timestamptz
);
CREATE INDEX outreach_message_due ON outreach_message (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outreach_message_lease ON outreach_message (lease_until) WHERE status = 'sending';
CREATE INDEX outreach_message_recipient ON outreach_message (recipient_idx, created_at);
CREATE INDEX outreach_message_reminder ON outreach_message (reminder_id);
CREATE INDEX outreach_message_log ON outreach_message (division_code text_pattern_ops, created_at DESC);

-- People who asked to receive no reminders: they get nothing, and each skipped message says so.
CREATE TABLE outreach_opt_out (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  phone_enc     text NOT NULL,
  phone_idx     text NOT NULL UNIQUE,
  phone_masked  text NOT NULL,
  reason        text NOT NULL DEFAULT '',
  division_code text NOT NULL,
  created_by    integer REFERENCES app_user(id),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outreach_opt_out_division ON outreach_opt_out (division_code text_pattern_ops, created_at DESC);

-- A plate registry (车辆登记): when it holds the plate the video AI read, the vehicle's owner is the
-- party. Empty by default: no deployment has one until it is filled from a real source.
CREATE TABLE vehicle_owner (
  plate        text PRIMARY KEY CHECK (plate ~ '^[^ a-z]{5,10}$'),
  owner_name   text,
  phone_enc    text NOT NULL,
  phone_idx    text NOT NULL,
  phone_masked text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Closing after a complied reminder is a close type of its own.
ALTER TABLE event DROP CONSTRAINT event_close_type_check;
ALTER TABLE event ADD CONSTRAINT event_close_type_check CHECK (close_type IN ('normal', 'overtime', 'error', 'special', 'reminder'));

-- Quiet hours (Asia/Shanghai; voice calls never inside them, SMS only when allowed), the per-recipient
-- rate limit, how far from the spot a shop may be to count as the party, defaults for categories
-- without a policy, and the sender's name in the texts.
INSERT INTO setting (key, value) VALUES
  ('outreach', '{"quietHours": {"start": "21:00", "end": "08:00", "smsAllowed": false}, "rateLimit": {"maxMessages": 4, "windowHours": 24}, "partyRadiusMeters": 50, "defaultGraceMinutes": 30, "defaultChannels": ["sms"], "sign": "综合信息指挥室"}');

-- The categories the base catalogue marks reminder_allowed (视频AI + 114客服): polite defaults to review.
INSERT INTO outreach_policy (category_code, grace_minutes, channels) VALUES
  ('E0505', 10, ARRAY['sms', 'voice']),
  ('E0550', 30, ARRAY['sms', 'voice']),
  ('E0504', 30, ARRAY['sms']),
  ('E0506', 30, ARRAY['sms']),
  ('E0150', 60, ARRAY['sms']),
  ('E0511', 60, ARRAY['sms']);

INSERT INTO outreach_template (category_code, channel, body) VALUES
  (NULL, 'sms', '您好，{party}：{time}在{place}发现{category}情况，请于{deadline_minutes}分钟内处理。感谢您的理解与配合！【{sign}】'),
  (NULL, 'voice', '您好，这里是{sign}。{time}在{place}发现{category}情况，请您在{deadline_minutes}分钟内处理。感谢您的配合，再见。'),
  ('E0505', 'sms', '您好！{time}在{place}发现机动车违规停放，影响通行。如是您或贵店顾客的车辆，请于{deadline_minutes}分钟内驶离。感谢理解与配合！【{sign}】'),
  ('E0505', 'voice', '您好，这里是{sign}。{time}在{place}发现机动车违规停放，影响通行。如是您或贵店顾客的车辆，请在{deadline_minutes}分钟内驶离。感谢您的配合，再见。'),
  ('E0550', 'sms', '您好，{party}：{time}在{place}发现占道摆摊经营，影响通行和市容。请于{deadline_minutes}分钟内收回摊位、恢复通行。感谢理解与配合！【{sign}】'),
  ('E0550', 'voice', '您好，这里是{sign}。{time}在{place}发现占道摆摊经营，请在{deadline_minutes}分钟内收回摊位、恢复通行。感谢您的配合，再见。'),
  ('E0504', 'sms', '您好，{party}：{time}发现贵店在{place}店门外摆放商品经营。请于{deadline_minutes}分钟内将商品移回店内。感谢理解与配合！【{sign}】'),
  ('E0150', 'sms', '您好，{party}：{time}在{place}发现乱倒垃圾。请于{deadline_minutes}分钟内清理，并将垃圾投放到指定收集点。感谢您为环境整洁出力！【{sign}】'),
  ('E0511', 'sms', '您好，{party}：{time}在{place}发现沿街晾晒、吊挂衣物，影响市容。请于{deadline_minutes}分钟内收回。感谢理解与配合！【{sign}】');

-- Command-center staff send reminders, record re-checks and keep the opt-out list; grid workers
-- re-check on the spot; leaders read the log. Templates and settings stay with administrators.
UPDATE role SET permissions = permissions || ARRAY['outreach:message:read', 'outreach:reminder:send', 'outreach:reminder:recheck', 'outreach:template:read', 'outreach:opt-out:read', 'outreach:opt-out:update']
  WHERE builtin AND code = 'command_center';
-- Village admins hold it too: they assign the grid-worker role, and no one grants more than they hold.
UPDATE role SET permissions = permissions || ARRAY['outreach:reminder:recheck']
  WHERE builtin AND code IN ('grid_worker', 'village_admin');
UPDATE role SET permissions = permissions || ARRAY['outreach:message:read', 'outreach:template:read']
  WHERE builtin AND code = 'leader';
