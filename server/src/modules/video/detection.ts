import type { DetectionSource } from './video.tables.ts';

/**
 * The normalised detection every source is turned into (Frigate, Hikvision, Dahua, our webhook, the
 * built-in detector): one observation of one tracked object, or of one vendor alarm, on one camera.
 */
export type Phase = 'new' | 'update' | 'end';

/** [x1, y1, x2, y2] relative to the frame (0..1). Sources use pixels, 0–1000 or 0–8191: converted on parse. */
export type Box = [number, number, number, number];

/** Where the evidence frame comes from. */
export type SnapshotSource =
  | { kind: 'bytes'; bytes: Buffer }
  | { kind: 'url'; url: string }
  /** Frigate's HTTP API of the camera: `/api/events/<id>/snapshot.jpg`, else the camera's latest frame. */
  | { kind: 'frigate'; eventId: string; camera: string };

/** How a message names its camera: by the name its source uses, or already known (push token, detector). */
export type CameraRef = { name: string } | { deviceId: number };

export interface Detection {
  source: DetectionSource;
  camera: CameraRef;
  /** Unique per camera and source: the de-duplication key (Frigate event id, Dahua index+code+object, …). */
  trackKey: string;
  phase: Phase;
  /** What was seen: a COCO label (`car`, `person`) or, for vendor alarms, the vendor's event name. */
  label: string;
  subLabel: string | null;
  score: number | null;
  box: Box | null;
  /** Zones the source itself names the object in (Frigate): matched to the camera's zones by name. */
  zoneNames: string[] | null;
  stationary: boolean | null;
  /** Vendor alarm code (Dahua 893, ParkingDetection, Hikvision eventType), matched by rules' vendor codes. */
  vendorCode: string | null;
  /** When observed (ms). */
  at: number;
  /** When the source first saw this object (ms). */
  startedAt: number;
  snapshot: SnapshotSource | null;
  /** The channel a vendor push names (1-based, as an NVR numbers them): which camera behind an NVR saw it. */
  channel?: number;
}

/** A message that could not become detections: why, and which camera it named if any. */
export interface Refusal {
  code: 'VIDEO_PAYLOAD_INVALID' | 'VIDEO_CAMERA_UNKNOWN' | 'VIDEO_NVR_CHANNEL_UNKNOWN' | 'VIDEO_SIGNATURE_INVALID';
  detail: string;
  camera?: string;
}

export type Parsed = { ok: true; detections: Detection[] } | { ok: false; refusal: Refusal };

export const invalid = (detail: string, camera?: string): Parsed => ({ ok: false, refusal: { code: 'VIDEO_PAYLOAD_INVALID', detail: detail.slice(0, 300), ...(camera ? { camera } : {}) } });

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** A box in a 0..scale coordinate space (Hikvision 1000, Dahua 8191) as relative corners; null when not four finite numbers. */
export function scaledBox(values: unknown, scale: number): Box | null {
  if (!Array.isArray(values) || values.length !== 4 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) return null;
  const [x1, y1, x2, y2] = (values as number[]).map((v) => clamp01(v / scale)) as Box;
  return x2 > x1 && y2 > y1 ? [x1, y1, x2, y2] : null;
}

/**
 * The point that decides zone membership: the bottom-centre of the box (where the object stands on the
 * ground), as Frigate does; in the pixels of an image of the given size.
 */
export function groundPoint(box: Box, width: number, height: number): [number, number] {
  return [((box[0] + box[2]) / 2) * width, box[3] * height];
}

/** Intersection over union of two boxes (0 apart … 1 identical). */
export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const inter = w * h;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Ray casting; points on an edge count as inside for neither side consistently, which is enough for zones. */
export function pointInPolygon([x, y]: [number, number], polygon: readonly (readonly number[])[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i] as [number, number];
    const [xj, yj] = polygon[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Seconds (float, as Frigate sends) or an ISO string to ms; undefined when neither. */
export function timeOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? Math.round(value * 1000) : Math.round(value);
  if (typeof value === 'string' && value.trim()) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
