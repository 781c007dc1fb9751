import type { ColumnType, Generated } from 'kysely';
import type { ZoneType } from '../devices/devices.tables.ts';

/** Kysely types of the video-AI tables (migrations 0016, 0019). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type DetectionSource = 'frigate' | 'hikvision' | 'dahua' | 'webhook' | 'detector';
export const detectionSources: readonly DetectionSource[] = ['frigate', 'hikvision', 'dahua', 'webhook', 'detector'];
export type EndReason = 'gone' | 'stale';

export interface CameraAiTable {
  device_id: number;
  source_name: string;
  frigate_url: string | null;
  push_token_hash: string | null;
  push_token_issued_at: NullableTimestamp;
  /** Behind an NVR: the camera whose push URL the NVR uses (migration 0019). */
  push_via: number | null;
  /** Its channel on that NVR, 1-based. */
  nvr_channel: number | null;
  detector_enabled: Generated<boolean>;
  detector_interval_s: Generated<number>;
  detector_source: string | null;
  snapshot_file_id: number | null;
  snapshot_at: NullableTimestamp;
  snapshot_error: string | null;
  snapshot_error_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface VideoRuleTable {
  id: Generated<number>;
  name: string;
  labels: string[];
  vendor_codes: string[];
  zone_type: ZoneType | null;
  with_labels: string[];
  min_dwell_s: number;
  require_stationary: boolean;
  min_score: number;
  category_code: string;
  priority: number;
  active: Generated<boolean>;
  updated_at: Timestamp;
}

export interface VideoDetectionTable {
  id: Generated<number>;
  device_id: number;
  source: DetectionSource;
  track_key: string;
  label: string;
  sub_label: string | null;
  vendor_code: string | null;
  score: number | null;
  box: ColumnType<number[] | null, string | null, string | null>;
  zones: string[];
  stationary: boolean;
  first_at: Timestamp;
  last_at: Timestamp;
  ended_at: NullableTimestamp;
  end_reason: EndReason | null;
  updates: number;
  rule_id: number | null;
  category_code: string | null;
  event_id: number | null;
  event_error: string | null;
  snapshot_file_id: number | null;
  snapshot_error: string | null;
  division_code: string;
}

export interface VideoRefusalTable {
  id: Generated<number>;
  at: Generated<Date>;
  source: string;
  code: string;
  camera: string | null;
  detail: string;
  remote: string | null;
}

export interface VideoTables {
  camera_ai: CameraAiTable;
  video_rule: VideoRuleTable;
  video_detection: VideoDetectionTable;
  video_refusal: VideoRefusalTable;
}
