-- Event center: faster duplicate search at intake, and phase clocks that follow urgency.

-- Duplicate candidates at intake: open events of one category near a point. Keyed by ~111 m bands of
-- latitude, so a busy category is searched within a few bands instead of scanning every open event of
-- the category reported in the window (the query in events.repo.ts repeats this expression exactly).
CREATE INDEX event_duplicate_bands ON event (category_code, (floor(lat * 1000)::integer), reported_at) WHERE phase IS NOT NULL;

-- Urgent and critical events run their pre-handling phases (accept, verify, register, dispatch, check)
-- around the clock on these shorter limits, in minutes; normal events keep phase_limits on working time.
INSERT INTO setting (key, value) VALUES
  ('urgent_phase_limits', '{"urgent": {"acceptMinutes": 5, "dispatchMinutes": 5, "verifyMinutes": 15, "checkMinutes": 15}, "critical": {"acceptMinutes": 2, "dispatchMinutes": 2, "verifyMinutes": 10, "checkMinutes": 10}}')
ON CONFLICT (key) DO NOTHING;
