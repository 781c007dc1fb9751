import { invalid, scaledBox, timeOf, type Detection, type Parsed } from '../detection.ts';

/**
 * Dahua events (sensing reference §4.2): the CGI event-stream blocks
 * `Code=<code>;action=<Start|Stop|Pulse>;index=<channel>;data={…JSON…}` as text (one or more per body,
 * `data` may span lines, be missing or not be JSON), or the same as JSON objects
 * `{"Code", "action", "index", "data"}` (one or an array). `Heartbeat` lines are skipped.
 *
 * The alarm is keyed by (index, Code, object or event id): Start opens it, Stop ends it, Pulse is a
 * one-off. The object's BoundingBox is in 0–8191 coordinates; LocaleTime is local (+08:00).
 * `index` (JSON also `Index` / `channel`) is the 0-based channel: channel index + 1 of an NVR is the
 * camera behind it that saw the event.
 */
interface Block {
  code: string;
  action: string;
  index: string;
  data: Record<string, unknown> | null;
}

const objectLabels: Record<string, string> = { human: 'person', vehicle: 'car', nonmotor: 'bicycle' };

export function parseDahuaPush(body: Buffer, deviceId: number, now = Date.now()): Parsed {
  const text = body.toString('utf8').trim();
  if (!text) return invalid('empty body');
  const blocks = text.startsWith('{') || text.startsWith('[') ? jsonBlocks(text) : textBlocks(text);
  if (typeof blocks === 'string') return invalid(blocks);
  const detections = blocks.filter((b) => b.code.toLowerCase() !== 'heartbeat').map((b) => toDetection(b, deviceId, now));
  if (!detections.length && !blocks.length) return invalid('no Code=…;action=… block');
  return { ok: true, detections };
}

function jsonBlocks(text: string): Block[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not JSON: ${(error as Error).message}`;
  }
  const blocks: Block[] = [];
  for (const item of Array.isArray(value) ? value : [value]) {
    const { Code, action, index, Index, channel, Channel, data } = (item ?? {}) as Record<string, unknown>;
    if (typeof Code !== 'string' || !Code) return 'Code is missing';
    blocks.push({ code: Code, action: typeof action === 'string' ? action : 'Pulse', index: String(index ?? Index ?? channel ?? Channel ?? 0), data: data && typeof data === 'object' ? (data as Record<string, unknown>) : null });
  }
  return blocks;
}

/** Splits at each `Code=` that starts a line; the header fields end where `data=` begins. */
function textBlocks(text: string): Block[] | string {
  const starts = [...text.matchAll(/(^|\n)\s*Code=/g)].map((m) => m.index! + m[1]!.length);
  if (!starts.length) return text.startsWith('Heartbeat') ? [] : 'no Code=…;action=… block';
  return starts.map((start, i) => {
    const chunk = text.slice(start, starts[i + 1] ?? text.length).trim();
    const dataAt = chunk.indexOf(';data=');
    const head = dataAt === -1 ? chunk : chunk.slice(0, dataAt);
    const fields = Object.fromEntries(head.split(';').map((pair) => [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()]));
    let data: Record<string, unknown> | null = null;
    if (dataAt !== -1) {
      try {
        const parsed: unknown = JSON.parse(chunk.slice(dataAt + ';data='.length));
        data = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
      } catch {
        data = null;
      }
    }
    return { code: fields.Code ?? '', action: fields.action ?? 'Pulse', index: fields.index ?? '0', data };
  });
}

function toDetection(block: Block, deviceId: number, now: number): Detection {
  const object = (block.data?.Object ?? null) as Record<string, unknown> | null;
  const objectType = typeof object?.ObjectType === 'string' ? object.ObjectType.toLowerCase() : undefined;
  const objectId = object?.ObjectID ?? block.data?.EventID ?? '';
  const localTime = typeof block.data?.LocaleTime === 'string' ? timeOf(`${block.data.LocaleTime.replace(' ', 'T')}+08:00`) : undefined;
  const at = localTime ?? now;
  const action = block.action.toLowerCase();
  return {
    source: 'dahua',
    camera: { deviceId },
    trackKey: `${block.index}:${block.code}:${String(objectId)}`,
    phase: action === 'stop' ? 'end' : action === 'start' ? 'new' : 'update',
    label: (objectType && objectLabels[objectType]) ?? block.code,
    subLabel: null,
    score: null,
    box: scaledBox(object?.BoundingBox, 8191),
    zoneNames: null,
    stationary: block.code === 'ParkingDetection' ? true : null,
    vendorCode: block.code,
    at,
    startedAt: at,
    snapshot: null,
    ...(/^\d+$/.test(block.index) ? { channel: Number(block.index) + 1 } : {}),
  };
}
