-- The supervision ladder's numbers become one setting the county admin edits beside the phase
-- limits: where the yellow light (and the automatic 催办) starts, the written-reply limit of an
-- automatic 督办 (until now `supervision_reply_limit`), and the reply time first offered for a
-- 挂牌督办.
INSERT INTO setting (key, value)
SELECT 'supervision_rules', jsonb_build_object(
  'remindAtPercent', 80,
  'superviseReplyLimit', COALESCE((SELECT value FROM setting WHERE key = 'supervision_reply_limit'), '{"value": 1, "unit": "work_day"}'::jsonb),
  'listedReplyLimit', '{"value": 3, "unit": "work_day"}'::jsonb
);
DELETE FROM setting WHERE key = 'supervision_reply_limit';
