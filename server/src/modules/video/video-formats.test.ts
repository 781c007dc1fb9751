import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFrigateEvent } from './formats/frigate.ts';
import { parseHikvisionPush } from './formats/hikvision.ts';
import { parseDahuaPush } from './formats/dahua.ts';
import { parseWebhook, signWebhook, verifyWebhook } from './formats/webhook.ts';
import { boundaryOf, splitMultipart } from './formats/multipart.ts';
import { matchRule, type TrackFacts, type VideoRule } from './video-rules.ts';
import { zonesOf, type CameraEntry } from './video-intake.ts';
import { FrameTracker } from './detector/frame-tracker.ts';
import { fixturesDir, frigateLines } from './test-support.ts';
import type { Parsed } from './detection.ts';

/** The pure parts: format parsers with their quirks, rule matching, zone membership, frame tracking. */
const detectionsOf = (parsed: Parsed) => {
  if (!parsed.ok) throw new Error(parsed.refusal.detail);
  return parsed.detections;
};

describe('Frigate events', () => {
  const [newLine, inZone, stationary, , , , , end] = frigateLines();

  it('reads the recorded sequence: after is the current state, zones by name, stationary, end time', () => {
    const first = detectionsOf(parseFrigateEvent(newLine!))[0]!;
    expect(first).toMatchObject({ source: 'frigate', camera: { name: 'gulin_xue_01' }, trackKey: '1780000000.512345-k3x9qa', phase: 'new', label: 'car', zoneNames: [], stationary: false, score: 0.78 });
    expect(first.startedAt).toBe(1780000000510);
    expect(detectionsOf(parseFrigateEvent(inZone!))[0]).toMatchObject({ phase: 'update', zoneNames: ['no_parking'] });
    expect(detectionsOf(parseFrigateEvent(stationary!))[0]).toMatchObject({ stationary: true });
    const last = detectionsOf(parseFrigateEvent(end!))[0]!;
    expect(last).toMatchObject({ phase: 'end', zoneNames: [] });
    expect(last.at).toBe(1780000318000);
    expect(last.snapshot).toEqual({ kind: 'frigate', eventId: '1780000000.512345-k3x9qa', camera: 'gulin_xue_01' });
  });

  it('takes sub_label as a string or as [name, score], entered_zones when current_zones is absent, and skips false positives', () => {
    const message = (after: Record<string, unknown>) => JSON.stringify({ type: 'update', before: {}, after: { id: 'a', camera: 'c', label: 'car', ...after } });
    expect(detectionsOf(parseFrigateEvent(message({ sub_label: ['浙B12345', 0.92] })))[0]!.subLabel).toBe('浙B12345');
    expect(detectionsOf(parseFrigateEvent(message({ sub_label: '浙B12345' })))[0]!.subLabel).toBe('浙B12345');
    expect(detectionsOf(parseFrigateEvent(message({ sub_label: null })))[0]!.subLabel).toBeNull();
    // LPR (0.16+): the plate read wins over a name Frigate gave the object, in either shape.
    expect(detectionsOf(parseFrigateEvent(message({ sub_label: ['张三的车', 0.8], recognized_license_plate: ['浙BD12345', 0.91] })))[0]!.subLabel).toBe('浙BD12345');
    expect(detectionsOf(parseFrigateEvent(message({ recognized_license_plate: '浙B12345' })))[0]!.subLabel).toBe('浙B12345');
    expect(detectionsOf(parseFrigateEvent(message({ entered_zones: ['no_parking'] })))[0]!.zoneNames).toEqual(['no_parking']);
    expect(detectionsOf(parseFrigateEvent(message({ active: false })))[0]!.stationary).toBe(true);
    expect(detectionsOf(parseFrigateEvent(message({ false_positive: true })))).toEqual([]);
  });

  it('refuses what is not a Frigate event, naming the camera when it can', () => {
    expect(parseFrigateEvent('nope')).toMatchObject({ ok: false, refusal: { code: 'VIDEO_PAYLOAD_INVALID' } });
    expect(parseFrigateEvent('{"type": "start", "after": {}}')).toMatchObject({ ok: false });
    expect(parseFrigateEvent('{"type": "new", "after": {"camera": "c"}}')).toMatchObject({ ok: false, refusal: { camera: 'c' } });
  });
});

describe('vendor formats', () => {
  const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir, name));

  it('Hikvision: eventType, channel and region, a raw & in the text, an offset-less time as +08:00', () => {
    const [d] = detectionsOf(parseHikvisionPush({ contentType: 'application/xml', body: fixture('hikvision-fielddetection.xml') }, 7));
    expect(d).toMatchObject({ camera: { deviceId: 7 }, trackKey: '1:fielddetection:1', phase: 'update', label: 'car', vendorCode: 'fielddetection', box: [0.6, 0.7, 0.8, 0.9], at: Date.parse('2026-06-05T02:30:00Z') });
    expect(detectionsOf(parseHikvisionPush({ contentType: 'application/xml', body: fixture('hikvision-fielddetection-inactive.xml') }, 7))[0]!.phase).toBe('end');
    const noOffset = fixture('hikvision-fielddetection.xml').toString().replace('+08:00', '');
    expect(detectionsOf(parseHikvisionPush({ contentType: 'text/xml', body: Buffer.from(noOffset) }, 7))[0]!.at).toBe(Date.parse('2026-06-05T02:30:00Z'));
  });

  it('multipart: a boundary with angle brackets and a part without headers', () => {
    expect(boundaryOf('multipart/form-data; boundary=<b1>')).toBe('<b1>');
    expect(boundaryOf('multipart/mixed; boundary="quoted"')).toBe('quoted');
    const parts = splitMultipart(Buffer.from('--<b1>\r\nContent-Type: text/plain\r\n\r\nhello\r\n--<b1>\r\nraw body\r\n--<b1>--\r\n'), '<b1>');
    expect(parts.map((p) => [p.headers['content-type'], p.body.toString()])).toEqual([
      ['text/plain', 'hello'],
      [undefined, 'raw body'],
    ]);
  });

  it('Dahua: Code/action/index blocks with multi-line data, several per body, heartbeats, broken data', () => {
    const start = fixture('dahua-parking-start.txt').toString();
    const detections = detectionsOf(parseDahuaPush(Buffer.from(`Heartbeat\r\n${start}Code=VideoMotion;action=Pulse;index=1;data={broken\n`), 3));
    expect(detections).toHaveLength(2);
    expect(detections[0]).toMatchObject({ trackKey: '0:ParkingDetection:8812', phase: 'new', label: 'car', stationary: true, at: Date.parse('2026-06-05T02:30:12Z') });
    expect((detections[0]!.box as number[]).map((v) => Math.round(v * 8191))).toEqual([5000, 5200, 6600, 7400]);
    expect(detections[1]).toMatchObject({ trackKey: '1:VideoMotion:', phase: 'update', label: 'VideoMotion', box: null });
    expect(parseDahuaPush(Buffer.from('hello'), 3)).toMatchObject({ ok: false });
  });

  it('webhook: HMAC over "<timestamp>.<body>", 5 minutes of skew, fields checked', () => {
    const body = Buffer.from(JSON.stringify({ camera: 'c1', objectId: 'o1', label: 'car', box: [0.1, 0.2, 0.3, 0.4] }));
    const now = 1_780_000_000_000;
    const ts = now / 1000;
    const headers = (signature: string, timestamp = ts) => ({ 'x-gongzhi-signature': signature, 'x-gongzhi-timestamp': String(timestamp) });
    expect(verifyWebhook('s3cret', headers(signWebhook('s3cret', ts, body)), body, now)).toBeNull();
    expect(verifyWebhook('s3cret', headers(signWebhook('other', ts, body)), body, now)).toMatchObject({ code: 'VIDEO_SIGNATURE_INVALID' });
    expect(verifyWebhook('s3cret', headers(signWebhook('s3cret', ts - 301, body), ts - 301), body, now)).toMatchObject({ code: 'VIDEO_SIGNATURE_INVALID' });
    expect(verifyWebhook('s3cret', headers(signWebhook('s3cret', ts, body)), Buffer.concat([body, Buffer.from(' ')]), now)).not.toBeNull();
    expect(parseWebhook(body)).toMatchObject({ ok: true, detections: [{ camera: { name: 'c1' }, trackKey: 'o1', phase: 'update', box: [0.1, 0.2, 0.3, 0.4] }] });
    expect(parseWebhook(Buffer.from('{"detections": []}'))).toMatchObject({ ok: false });
  });
});

describe('rules', () => {
  const rule = (over: Partial<VideoRule>): VideoRule => ({ id: 1, name: 'r', labels: ['car'], vendorCodes: [], zoneType: 'no_parking', withLabels: [], minDwellS: 180, requireStationary: true, minScore: 0.5, categoryCode: 'E0505', priority: 10, ...over });
  const track = (over: Partial<TrackFacts>): TrackFacts => ({ label: 'car', vendorCode: null, score: 0.8, stationary: true, firstAt: 0, now: 200_000, zones: [{ name: 'z', type: 'no_parking', since: 10_000 }], ...over });
  const none = () => [];

  it('needs the label, the score, stationary, the zone type and the dwell in that zone', () => {
    const rules = [rule({})];
    expect(matchRule(rules, track({}), none)).toMatchObject({ rule: { id: 1 }, zone: { name: 'z' } });
    expect(matchRule(rules, track({ label: 'person' }), none)).toBeNull();
    expect(matchRule(rules, track({ score: 0.4 }), none)).toBeNull();
    expect(matchRule(rules, track({ stationary: false }), none)).toBeNull();
    expect(matchRule(rules, track({ zones: [] }), none)).toBeNull();
    expect(matchRule(rules, track({ now: 189_999 }), none)).toBeNull();
  });

  it('vendor codes match without labels or scores; companions must share the zone; first by priority wins', () => {
    expect(matchRule([rule({ labels: [], vendorCodes: ['893'], zoneType: null, minDwellS: 0, requireStationary: false })], track({ label: 'ParkingDetection', vendorCode: '893', score: null }), none)).not.toBeNull();
    const stall = rule({ labels: ['dining table'], withLabels: ['person'], zoneType: 'no_stall', minDwellS: 0, requireStationary: false });
    const table = track({ label: 'dining table', zones: [{ name: 's', type: 'no_stall', since: 0 }] });
    expect(matchRule([stall], table, () => ['car'])).toBeNull();
    expect(matchRule([stall], table, (zone) => (zone === 's' ? ['person'] : []))).not.toBeNull();
    expect(matchRule([rule({ id: 2 }), rule({ id: 3 })], track({}), none)!.rule.id).toBe(2);
  });
});

describe('zones', () => {
  const camera = {
    zones: [
      { device_id: 1, name: '路口禁停', zone_type: 'no_parking', polygon: [[640, 360], [1280, 360], [1280, 720], [640, 720]], image_width: 1280, image_height: 720 },
      { device_id: 1, name: '店门口', zone_type: 'no_occupation', polygon: [[0, 0], [100, 0], [100, 100]], image_width: 1280, image_height: 720 },
    ],
  } as unknown as CameraEntry;

  it('matches the bottom-centre of the box, names given by the source, or a zone type used as a name', () => {
    expect([...zonesOf(camera, { zoneNames: null, box: [0.6, 0.4, 0.8, 0.9] }).keys()]).toEqual(['路口禁停']);
    // The box overlaps the zone but stands (bottom-centre) outside it.
    expect([...zonesOf(camera, { zoneNames: null, box: [0.3, 0.6, 0.55, 0.9] }).keys()]).toEqual([]);
    expect([...zonesOf(camera, { zoneNames: ['店门口'], box: null })]).toEqual([['店门口', 'no_occupation']]);
    expect([...zonesOf(camera, { zoneNames: ['no_parking'], box: null })]).toEqual([['路口禁停', 'no_parking']]);
    expect([...zonesOf({ zones: [] } as unknown as CameraEntry, { zoneNames: ['no_stall', 'driveway'], box: null })]).toEqual([['no_stall', 'no_stall']]);
  });
});

describe('frame tracker', () => {
  it('keeps a key while the object overlaps its last box, and ends it after two missing frames', () => {
    const tracker = new FrameTracker('cam');
    const car = { label: 'car', score: 0.8, box: [0.5, 0.5, 0.7, 0.7] as [number, number, number, number] };
    const [first] = tracker.step([car], 1000);
    expect(first).toMatchObject({ phase: 'new' });
    const [again] = tracker.step([{ ...car, box: [0.51, 0.5, 0.71, 0.7] }, { label: 'person', score: 0.6, box: [0, 0, 0.1, 0.3] }], 2000);
    expect(again).toMatchObject({ key: first!.key, phase: 'update', startedAt: 1000 });
    expect(tracker.step([], 3000).filter((o) => o.phase === 'end')).toEqual([]);
    expect(tracker.step([], 4000).map((o) => [o.label, o.phase])).toEqual([
      ['car', 'end'],
      ['person', 'end'],
    ]);
  });
});
