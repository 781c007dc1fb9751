import { XMLParser } from 'fast-xml-parser';
import { invalid, scaledBox, timeOf, type Box, type Detection, type Parsed } from '../detection.ts';
import { boundaryOf, splitMultipart } from './multipart.ts';

/**
 * Hikvision ISAPI `EventNotificationAlert` pushed to a listening host (sensing reference §4.1): plain
 * XML, or multipart with the XML part and JPEG parts. Quirks: namespaces vary (isapi.org /
 * hikvision.com), some firmware sends a raw `&` (fast-xml-parser takes it as text), `dateTime` may lack
 * its offset (+08:00 is assumed), coordinates are 0–1000. `heartBeat` alerts are not detections.
 *
 * The alarm is keyed by (channel, eventType, region) while active; `eventState: inactive` ends it.
 * The channel (`dynChannelID`, else `channelID`) tells which camera behind an NVR saw it.
 * The box is the bounding box of the detection region the camera reported (the object's own box is not
 * in the alert), so zones are matched on that region.
 */
const parser = new XMLParser({ removeNSPrefix: true, parseTagValue: false, ignoreAttributes: true, processEntities: true });
const targetLabels: Record<string, string> = { human: 'person', vehicle: 'car' };

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value.trim() || undefined : typeof value === 'number' ? String(value) : undefined);
const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export interface HikvisionPush {
  contentType: string | undefined;
  body: Buffer;
}

export function parseHikvisionPush(push: HikvisionPush, deviceId: number, now = Date.now()): Parsed {
  let xml: Buffer | undefined;
  let image: Buffer | undefined;
  const boundary = /^multipart\//i.test(push.contentType ?? '') ? boundaryOf(push.contentType) : undefined;
  if (boundary) {
    for (const part of splitMultipart(push.body, boundary)) {
      const type = part.headers['content-type'] ?? '';
      if (/image\//i.test(type)) image ??= part.body;
      else if (/xml/i.test(type) || part.body.subarray(0, 200).toString().includes('EventNotificationAlert')) xml ??= part.body;
    }
  } else {
    xml = push.body;
  }
  if (!xml) return invalid('no EventNotificationAlert part');
  let alert: Record<string, unknown> | undefined;
  try {
    alert = (parser.parse(xml.toString('utf8')) as { EventNotificationAlert?: Record<string, unknown> }).EventNotificationAlert;
  } catch (error) {
    return invalid(`not XML: ${(error as Error).message}`);
  }
  if (!alert || typeof alert !== 'object') return invalid('no EventNotificationAlert element');
  const eventType = text(alert.eventType);
  if (!eventType) return invalid('eventType is missing');
  if (eventType.toLowerCase() === 'heartbeat') return { ok: true, detections: [] };
  const channel = text(alert.channelID) ?? text(alert.dynChannelID) ?? '1';
  // An NVR numbers its IP channels in dynChannelID (D1, D2… in its UI); channelID may then count the
  // analogue inputs first. Not checked against a real NVR here.
  const channelNumber = Number(text(alert.dynChannelID)?.replace(/^D/i, '') ?? channel);
  const region = list((alert.DetectionRegionList as { DetectionRegion?: unknown } | undefined)?.DetectionRegion)[0] as Record<string, unknown> | undefined;
  const at = hikvisionTime(text(alert.dateTime)) ?? now;
  const target = text(alert.targetType)?.toLowerCase();
  const detection: Detection = {
    source: 'hikvision',
    camera: { deviceId },
    trackKey: `${channel}:${eventType}:${text(region?.regionID) ?? ''}`,
    phase: text(alert.eventState)?.toLowerCase() === 'inactive' ? 'end' : 'update',
    label: (target && targetLabels[target]) ?? eventType,
    subLabel: text((alert.ANPR as Record<string, unknown> | undefined)?.licensePlate) ?? null,
    score: null,
    box: regionBox(region),
    zoneNames: null,
    stationary: null,
    vendorCode: eventType,
    at,
    startedAt: at,
    snapshot: image ? { kind: 'bytes', bytes: image } : null,
    ...(Number.isInteger(channelNumber) && channelNumber > 0 ? { channel: channelNumber } : {}),
  };
  return { ok: true, detections: [detection] };
}

/** `2017-05-04T11:20:02+08:00`, or without an offset (China Standard Time assumed). */
function hikvisionTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  return timeOf(hasOffset ? value : `${value}+08:00`);
}

function regionBox(region: Record<string, unknown> | undefined): Box | null {
  const points = list((region?.RegionCoordinatesList as { RegionCoordinates?: unknown } | undefined)?.RegionCoordinates) as Record<string, unknown>[];
  const xs = points.map((p) => Number(p.positionX)).filter(Number.isFinite);
  const ys = points.map((p) => Number(p.positionY)).filter(Number.isFinite);
  if (xs.length < 2 || xs.length !== ys.length) return null;
  // ISAPI puts the origin at the bottom-left corner (y grows upwards), unlike the image. Not checked
  // against a real camera here: verify with one before trusting zones matched on Hikvision regions.
  return scaledBox([Math.min(...xs), 1000 - Math.max(...ys), Math.max(...xs), 1000 - Math.min(...ys)], 1000);
}
