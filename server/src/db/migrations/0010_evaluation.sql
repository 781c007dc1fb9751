-- Evaluation (综合评价): per-case statistics derived from the history, and the permission to read them.

-- The facts of a case that only its history knows (the eGova to_stat_info pattern): when it was
-- registered (立案), whom it was dispatched to and by whom, who handled it last. Everything else the
-- indicators need is a column of `event`. One row per event that reached 立案, 派遣 or 处置.
CREATE TABLE event_stat (
  event_id            bigint PRIMARY KEY REFERENCES event(id),
  -- the case's report time (it never changes), so a period's statistics are read by this index and
  -- joined to the period's events in one pass instead of being looked up case by case
  reported_at         timestamptz NOT NULL,
  registered_at       timestamptz,
  first_dispatched_at timestamptz,
  -- the user of the first dispatch (null for the system's automatic dispatch)
  first_dispatched_by integer,
  -- every unit the case was ever dispatched to: more than one is a wrong dispatch (错误派遣)
  dispatch_unit_ids   integer[] NOT NULL DEFAULT '{}',
  -- the user of the last 处置 submission
  handled_by          integer
);
CREATE INDEX event_stat_reported ON event_stat (reported_at);

-- Recomputes the statistics rows of some events from their whole history: a pure function of the
-- append-only history, so recomputing is always right, whatever order the rows came in.
CREATE FUNCTION event_stat_refresh(ids bigint[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO event_stat AS s (event_id, reported_at, registered_at, first_dispatched_at, first_dispatched_by, dispatch_unit_ids, handled_by)
  SELECT h.event_id, min(e.reported_at),
    min(h.at) FILTER (WHERE h.action = 'register'),
    min(h.at) FILTER (WHERE h.action = 'dispatch'),
    (array_agg(h.actor_id ORDER BY h.at, h.id) FILTER (WHERE h.action = 'dispatch'))[1],
    coalesce(array_agg(DISTINCT h.organization_id) FILTER (WHERE h.action = 'dispatch' AND h.organization_id IS NOT NULL), '{}'),
    (array_agg(h.actor_id ORDER BY h.at DESC, h.id DESC) FILTER (WHERE h.action = 'submit'))[1]
  FROM event_history h
  JOIN event e ON e.id = h.event_id
  WHERE h.event_id = ANY (ids) AND h.action IN ('register', 'dispatch', 'submit')
  GROUP BY h.event_id
  ON CONFLICT (event_id) DO UPDATE SET
    registered_at = EXCLUDED.registered_at,
    first_dispatched_at = EXCLUDED.first_dispatched_at,
    first_dispatched_by = EXCLUDED.first_dispatched_by,
    dispatch_unit_ids = EXCLUDED.dispatch_unit_ids,
    handled_by = EXCLUDED.handled_by
$$;

-- Kept in the database rather than in the workflow service because several writers append history
-- (workflow steps, automatic dispatch, merges, the demo seed, bulk loads): none of them can forget it.
-- One call per statement, so a bulk insert of a million history rows is one set-based refresh.
CREATE FUNCTION event_stat_after_history() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids bigint[] := ARRAY(SELECT DISTINCT event_id FROM added WHERE action IN ('register', 'dispatch', 'submit'));
BEGIN
  IF cardinality(ids) > 0 THEN
    PERFORM event_stat_refresh(ids);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER event_stat_after_history AFTER INSERT ON event_history
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION event_stat_after_history();
-- ALWAYS: bulk loads that skip foreign-key checks (session_replication_role = replica, see the demo
-- seed) must still derive the statistics.
ALTER TABLE event_history ENABLE ALWAYS TRIGGER event_stat_after_history;

-- The events that existed before this migration.
SELECT event_stat_refresh(ARRAY(SELECT DISTINCT event_id FROM event_history WHERE action IN ('register', 'dispatch', 'submit')));

-- Reading the evaluation (and exporting it) for the command center, leaders and (via *) admins.
UPDATE role SET permissions = permissions || ARRAY['event:evaluation:read']
  WHERE builtin AND code IN ('command_center', 'leader');
