import { invalid, timeOf, type Detection, type Parsed } from '../detection.ts';

/**
 * Frigate's `<prefix>/events` messages: `{type: new|update|end, before, after}` about one tracked
 * object (sensing reference §1.2–1.3). `after` is the current state. Quirks handled here:
 * - `sub_label` is null, a string (HTTP API) or `[name, score]` (MQTT); `recognized_license_plate`
 *   (LPR, 0.16+) likewise: the plate read is kept as the sub-label (for the plate registry), before a
 *   name Frigate gave the object;
 * - zones: `current_zones` is where the object is now, `entered_zones` is cumulative (and the only one
 *   reduced test clients send): the first present is used;
 * - `false_positive: true` objects are not detections (Frigate sends `end` only for true positives);
 * - `box` is in pixels of Frigate's detect resolution, which the message does not state: zones come by
 *   name instead, and the box is not kept.
 */
const types = new Set(['new', 'update', 'end']);

function subLabelOf(value: unknown): string | null {
  if (typeof value === 'string') return value || null;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0] || null;
  return null;
}

const stringArray = (value: unknown): string[] | null => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

export function parseFrigateEvent(payload: Buffer | string, now = Date.now()): Parsed {
  let message: unknown;
  try {
    message = JSON.parse(payload.toString());
  } catch (error) {
    return invalid(`not JSON: ${(error as Error).message}`);
  }
  const { type, after } = (message ?? {}) as { type?: unknown; after?: Record<string, unknown> };
  if (typeof type !== 'string' || !types.has(type)) return invalid(`type must be new, update or end, got ${JSON.stringify(type)}`);
  if (!after || typeof after !== 'object') return invalid('after is missing');
  const { id, camera, label } = after;
  if (typeof camera !== 'string' || !camera) return invalid('after.camera is missing');
  if (typeof id !== 'string' || !id || id.length > 100) return invalid('after.id is missing', camera);
  if (typeof label !== 'string' || !label) return invalid('after.label is missing', camera);
  if (after.false_positive === true) return { ok: true, detections: [] };
  const at = timeOf(after.frame_time) ?? now;
  const detection: Detection = {
    source: 'frigate',
    camera: { name: camera },
    trackKey: id,
    phase: type as Detection['phase'],
    label,
    subLabel: subLabelOf(after.recognized_license_plate) ?? subLabelOf(after.sub_label),
    score: number(after.top_score) ?? number(after.score),
    box: null,
    zoneNames: stringArray(after.current_zones) ?? stringArray(after.entered_zones) ?? [],
    stationary: typeof after.stationary === 'boolean' ? after.stationary : typeof after.active === 'boolean' ? !after.active : null,
    vendorCode: null,
    at: type === 'end' ? (timeOf(after.end_time) ?? at) : at,
    startedAt: timeOf(after.start_time) ?? at,
    snapshot: { kind: 'frigate', eventId: id, camera },
  };
  return { ok: true, detections: [detection] };
}
