import crypto from 'node:crypto';
import { invalid, timeOf, type Box, type Detection, type Parsed, type Refusal } from '../detection.ts';

/**
 * Our own JSON webhook for analytics that speak neither Frigate nor a vendor format (documented in the
 * README). The body is one detection or `{"detections": [...]}`; it is signed:
 *
 *   X-Gongzhi-Timestamp: <unix seconds>
 *   X-Gongzhi-Signature: sha256=<hex HMAC-SHA256(VIDEO_WEBHOOK_SECRET, "<timestamp>.<raw body>")>
 *
 * The timestamp is signed too and must be within 5 minutes of the server's clock, so a captured
 * request cannot be replayed later.
 */
export const signatureHeader = 'x-gongzhi-signature';
export const timestampHeader = 'x-gongzhi-timestamp';
const maxSkewSeconds = 300;
const phases = new Set(['new', 'update', 'end']);

export function signWebhook(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export function verifyWebhook(secret: string, headers: Record<string, string | string[] | undefined>, body: Buffer, now = Date.now()): Refusal | null {
  const signature = String(headers[signatureHeader] ?? '');
  const timestamp = Number(headers[timestampHeader]);
  if (!signature || !Number.isInteger(timestamp)) return { code: 'VIDEO_SIGNATURE_INVALID', detail: `${signatureHeader} and ${timestampHeader} are required` };
  if (Math.abs(now / 1000 - timestamp) > maxSkewSeconds) return { code: 'VIDEO_SIGNATURE_INVALID', detail: `timestamp ${timestamp} is more than ${maxSkewSeconds} s from the server clock` };
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return { code: 'VIDEO_SIGNATURE_INVALID', detail: 'signature does not match the body' };
  return null;
}

const isRelativeBox = (v: unknown): v is Box =>
  Array.isArray(v) && v.length === 4 && v.every((n) => typeof n === 'number' && n >= 0 && n <= 1) && v[2] > v[0] && v[3] > v[1];
const optionalString = (v: unknown, max: number) => v === undefined || v === null || (typeof v === 'string' && v.length <= max);

export function parseWebhook(body: Buffer, now = Date.now()): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (error) {
    return invalid(`not JSON: ${(error as Error).message}`);
  }
  const items = (value as { detections?: unknown })?.detections ?? [value];
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) return invalid('detections must be 1 to 100 items');
  const detections: Detection[] = [];
  for (const [i, item] of items.entries()) {
    const d = (item ?? {}) as Record<string, unknown>;
    const where = `detections[${i}]`;
    if (typeof d.camera !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(d.camera)) return invalid(`${where}.camera must be the camera's source name`);
    if (typeof d.objectId !== 'string' || !d.objectId || d.objectId.length > 100) return invalid(`${where}.objectId is required`, d.camera);
    if (typeof d.label !== 'string' || !d.label || d.label.length > 60) return invalid(`${where}.label is required`, d.camera);
    if (d.phase !== undefined && !phases.has(d.phase as string)) return invalid(`${where}.phase must be new, update or end`, d.camera);
    if (d.score !== undefined && !(typeof d.score === 'number' && d.score >= 0 && d.score <= 1)) return invalid(`${where}.score must be 0..1`, d.camera);
    if (d.box !== undefined && !isRelativeBox(d.box)) return invalid(`${where}.box must be [x1, y1, x2, y2] relative to the frame (0..1)`, d.camera);
    if (d.zones !== undefined && !(Array.isArray(d.zones) && d.zones.every((z) => typeof z === 'string'))) return invalid(`${where}.zones must be zone names`, d.camera);
    if (d.stationary !== undefined && typeof d.stationary !== 'boolean') return invalid(`${where}.stationary must be true or false`, d.camera);
    if (!optionalString(d.alarmCode, 60) || !optionalString(d.subLabel, 60)) return invalid(`${where}.alarmCode / subLabel must be short strings`, d.camera);
    if (d.snapshotUrl !== undefined && !(typeof d.snapshotUrl === 'string' && /^https?:\/\//.test(d.snapshotUrl))) return invalid(`${where}.snapshotUrl must be an http(s) URL`, d.camera);
    const at = d.at === undefined ? now : timeOf(d.at);
    const startedAt = d.startedAt === undefined ? at : timeOf(d.startedAt);
    if (at === undefined || startedAt === undefined) return invalid(`${where}.at / startedAt must be ISO 8601 or unix seconds`, d.camera);
    detections.push({
      source: 'webhook',
      camera: { name: d.camera },
      trackKey: d.objectId,
      phase: (d.phase as Detection['phase'] | undefined) ?? 'update',
      label: d.label,
      subLabel: (d.subLabel as string | undefined) ?? null,
      score: (d.score as number | undefined) ?? null,
      box: (d.box as Box | undefined) ?? null,
      zoneNames: (d.zones as string[] | undefined) ?? null,
      stationary: (d.stationary as boolean | undefined) ?? null,
      vendorCode: (d.alarmCode as string | undefined) ?? null,
      at,
      startedAt,
      snapshot: d.snapshotUrl ? { kind: 'url', url: d.snapshotUrl as string } : null,
    });
  }
  return { ok: true, detections };
}
