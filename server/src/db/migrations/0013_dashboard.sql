-- Command-room dashboard (大屏): who may open it, and what its "closed today" counter reads.

-- "Closed today" counts events by their closure time; without this it would read every event of the town.
CREATE INDEX event_closed_at ON event (closed_at, division_code text_pattern_ops) WHERE closed_at IS NOT NULL;

-- The admin holds *:*:* already.
UPDATE role SET permissions = permissions || ARRAY['event:dashboard:read']
  WHERE builtin AND code IN ('command_center', 'leader');
