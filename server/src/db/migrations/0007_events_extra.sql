-- Event center II: daily case-number counters, public follow-up, and what the workflow needs to run fast.

-- One counter per town and local day: 330203103-20261126-00042. Incremented with
-- INSERT … ON CONFLICT DO UPDATE … RETURNING, so two intakes never get the same number.
CREATE TABLE event_code_counter (
  prefix     text NOT NULL,
  day        date NOT NULL,
  last_value integer NOT NULL,
  PRIMARY KEY (prefix, day)
);

-- A resident follows a public report with its case code and a secret token; only its hash is kept.
ALTER TABLE event ADD COLUMN follow_token_hash text;

-- Reporter phones as the registry keeps them: reporter_phone holds the ciphertext; the blind index
-- finds all reports from one number without decrypting; the masked form is what screens show.
ALTER TABLE event ADD COLUMN reporter_phone_idx text;
ALTER TABLE event ADD COLUMN reporter_phone_masked text;
CREATE INDEX event_reporter_phone ON event (reporter_phone_idx) WHERE reporter_phone_idx IS NOT NULL;

-- Which categories residents may report on the public H5 page (admins switch off what needs expertise).
ALTER TABLE event_category ADD COLUMN public_reportable boolean NOT NULL DEFAULT true;

-- Work-queue pages: open events in deadline order, carrying what the queue filters need, so a page
-- is read in index order and stops after its rows (event_queue would fetch and sort the whole queue).
CREATE INDEX event_open_deadline ON event (phase_deadline, id) INCLUDE (state, division_code) WHERE state NOT IN ('closed', 'cancelled');

-- The resume scheduler looks for suspensions that are due.
CREATE INDEX event_resume_due ON event (suspended_until) WHERE state = 'suspended';
-- Co-handling units see the events they were added to.
CREATE INDEX event_co_units ON event USING gin (co_unit_ids) WHERE state NOT IN ('closed', 'cancelled');
-- Reporters see their own reports.
CREATE INDEX event_reporter ON event (reporter_user_id) WHERE reporter_user_id IS NOT NULL;

-- 回访 (callback) may reopen a closed case: the command center does the callbacks.
UPDATE role SET permissions = permissions || ARRAY['event:case:callback']
  WHERE builtin AND code = 'command_center';
