-- NVRs: one recorder pushes the events of all its channels to one URL. A camera behind an NVR names
-- the camera whose push URL (and token) the NVR uses (push_via; null: its own URL) and its channel
-- number on the NVR (nvr_channel, 1-based as in the NVR's own UI). A push is then attributed by
-- (push token, channel); a channel no camera is registered with is refused and recorded.
ALTER TABLE camera_ai ADD COLUMN push_via integer REFERENCES camera_ai(device_id) ON DELETE SET NULL;
ALTER TABLE camera_ai ADD COLUMN nvr_channel integer CHECK (nvr_channel BETWEEN 1 AND 1024);
ALTER TABLE camera_ai ADD CONSTRAINT camera_ai_push_via_channel CHECK (push_via IS NULL OR (nvr_channel IS NOT NULL AND push_via <> device_id));
CREATE UNIQUE INDEX camera_ai_nvr_channel ON camera_ai ((COALESCE(push_via, device_id)), nvr_channel) WHERE nvr_channel IS NOT NULL;
CREATE INDEX camera_ai_push_via ON camera_ai (push_via) WHERE push_via IS NOT NULL;
