import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { otherGrid } from '../../../test/event-fixtures.ts';
import { signWebhook } from './formats/webhook.ts';
import { detectionsOf, eventOf, eventPhotos, fakeFrigate, fixturesDir, newCamera, testJpeg, type FakeFrigate } from './test-support.ts';

/**
 * Vendor pushes and the webhook over HTTP: Hikvision ISAPI XML (plain and multipart with its JPEG),
 * Dahua event text and DPSDK JSON, the signed webhook (bad signatures, unknown cameras, replays), evidence
 * that times out or is not an image, de-duplication, and the rules API.
 */
const secret = 'test-webhook-secret';
const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir, name));

describe('video intake over HTTP', () => {
  let t: TestApp;
  let admin: Session;
  let frigate: FakeFrigate;

  beforeAll(async () => {
    t = await createTestApp({ videoWebhookSecret: secret, videoSnapshotTimeoutMs: 400 });
    admin = await t.login('admin');
    frigate = await fakeFrigate();
  });
  afterAll(async () => {
    await frigate.close();
    await t.close();
  });

  async function pushToken(cameraId: number) {
    const issued = await t.as(admin, { method: 'POST', url: `/api/video/cameras/${cameraId}/push-token` });
    expect(issued.statusCode).toBe(200);
    expect(issued.headers['cache-control']).toBe('no-store');
    return issued.json() as { token: string; hikvisionPath: string; dahuaPath: string };
  }

  function webhook(body: unknown, options: { secret?: string; timestamp?: number } = {}) {
    const payload = JSON.stringify(body);
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    return t.app.inject({
      method: 'POST',
      url: '/api/video/webhook',
      headers: { 'content-type': 'application/json', 'x-gongzhi-timestamp': String(timestamp), 'x-gongzhi-signature': signWebhook(options.secret ?? secret, timestamp, payload) },
      payload,
    });
  }

  async function settledDetections(cameraId: number) {
    await t.app.videoIntake.settled();
    return detectionsOf(t, cameraId);
  }

  describe('Hikvision ISAPI', () => {
    let cameraId: number;
    let paths: { hikvisionPath: string };
    beforeAll(async () => {
      cameraId = await newCamera(t, admin, { sourceName: 'hik_test_01' });
      paths = await pushToken(cameraId);
      // Hikvision's intrusion alarm on a vehicle in the drawn no-parking zone: a town-specific rule.
      const rule = await t.as(admin, {
        method: 'POST',
        url: '/api/video/rules',
        payload: { name: '海康区域入侵（车辆）', labels: [], vendorCodes: ['fielddetection'], zoneType: 'no_parking', withLabels: [], minDwellSeconds: 0, requireStationary: false, minScore: 0.5, categoryCode: 'E0505', priority: 50, active: true },
      });
      expect(rule.statusCode).toBe(201);
    });

    it('takes multipart XML with its JPEG part as evidence; the inactive alert ends the same detection', async () => {
      const jpeg = await testJpeg(640, 360);
      const boundary = '<boundary>';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="fielddetection.xml"\r\nContent-Type: application/xml\r\n\r\n`),
        fixture('hikvision-fielddetection.xml'),
        Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="fielddetection.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
        jpeg,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const pushed = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
      expect(pushed.json()).toEqual({ accepted: 1 });
      const repeated = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: fixture('hikvision-fielddetection.xml') });
      expect(repeated.statusCode).toBe(200);
      const ended = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: fixture('hikvision-fielddetection-inactive.xml') });
      expect(ended.statusCode).toBe(200);
      const rows = await settledDetections(cameraId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'hikvision', track_key: '1:fielddetection:1', label: 'car', vendor_code: 'fielddetection', zones: ['禁停区'], updates: 3, end_reason: 'gone', category_code: 'E0505' });
      expect(rows[0]!.box).toEqual([0.6, 0.7, 0.8, 0.9]);
      const photos = await eventPhotos(t, Number(rows[0]!.event_id));
      expect(photos).toMatchObject([{ mime: 'image/jpeg', width: 640, height: 360 }]);
    });

    it('accepts heartbeats without a detection, and refuses unknown push tokens and non-XML', async () => {
      expect((await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: fixture('hikvision-heartbeat.xml') })).json()).toEqual({ accepted: 0 });
      const unknown = await t.app.inject({ method: 'POST', url: '/api/video/push/hikvision/not-a-push-token', headers: { 'content-type': 'application/xml' }, payload: fixture('hikvision-fielddetection.xml') });
      expect(unknown.statusCode).toBe(401);
      expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(unknown.json().code).toBe('VIDEO_PUSH_TOKEN_UNKNOWN');
      const junk = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: 'hello' });
      expect(junk.statusCode).toBe(400);
      expect(junk.json().code).toBe('VIDEO_PAYLOAD_INVALID');
      expect((await settledDetections(cameraId)).length).toBe(1);
    });
  });

  describe('Dahua', () => {
    it('turns ParkingDetection Start/Stop into one detection and an E0505 event, evidence from the camera snapshot URL', async () => {
      const cameraId = await newCamera(t, admin, { sourceName: 'dahua_test_01', snapshotUrl: `${frigate.url}/cgi-bin/snapshot.cgi` });
      const { dahuaPath } = await pushToken(cameraId);
      expect((await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'text/plain' }, payload: fixture('dahua-parking-start.txt') })).json()).toEqual({ accepted: 1 });
      expect((await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'text/plain' }, payload: fixture('dahua-parking-stop.txt') })).json()).toEqual({ accepted: 1 });
      const rows = await settledDetections(cameraId);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'dahua', track_key: '0:ParkingDetection:8812', label: 'car', vendor_code: 'ParkingDetection', zones: ['禁停区'], end_reason: 'gone', category_code: 'E0505', snapshot_error: null });
      expect(frigate.requests).toContain('/cgi-bin/snapshot.cgi');
      expect(await eventPhotos(t, Number(rows[0]!.event_id))).toHaveLength(1);
    });

    it('maps the DPSDK 智能城管 code 882 (JSON form) to 店外经营 E0504', async () => {
      const cameraId = await newCamera(t, admin, { sourceName: 'dahua_test_02' });
      const { dahuaPath } = await pushToken(cameraId);
      expect((await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'application/json' }, payload: fixture('dahua-dpsdk-882.json') })).json()).toEqual({ accepted: 1 });
      const [row] = await settledDetections(cameraId);
      expect(row).toMatchObject({ vendor_code: '882', category_code: 'E0504', snapshot_error: expect.stringMatching(/^SNAPSHOT_NONE/) });
      expect((await eventOf(t, Number(row!.event_id))).category_code).toBe('E0504');
    });
  });

  describe('signed webhook', () => {
    let cameraId: number;
    beforeAll(async () => {
      cameraId = await newCamera(t, admin, { sourceName: 'hook_test_01' });
    });
    const parked = (objectId: string, extra: Record<string, unknown> = {}) => ({ camera: 'hook_test_01', objectId, label: 'car', score: 0.9, box: [0.3, 0.5, 0.5, 0.8], stationary: true, startedAt: Math.floor(Date.now() / 1000) - 600, ...extra });

    it('refuses a wrong signature, an old timestamp and a missing signature with 401, recorded', async () => {
      const wrong = await webhook(parked('w1'), { secret: 'not-the-secret' });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(wrong.json().code).toBe('VIDEO_SIGNATURE_INVALID');
      expect((await webhook(parked('w1'), { timestamp: Math.floor(Date.now() / 1000) - 3600 })).statusCode).toBe(401);
      const unsigned = await t.app.inject({ method: 'POST', url: '/api/video/webhook', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(parked('w1')) });
      expect(unsigned.statusCode).toBe(401);
      await t.app.videoIntake.settled();
      const refusals = await t.app.db.selectFrom('video_refusal').select(['source', 'code']).where('source', '=', 'webhook').where('code', '=', 'VIDEO_SIGNATURE_INVALID').execute();
      expect(refusals).toHaveLength(3);
      expect(await detectionsOf(t, cameraId)).toHaveLength(0);
    });

    it('refuses an unknown camera with 404, recorded, and no detection', async () => {
      const response = await webhook({ ...parked('u1'), camera: 'no_such_camera' });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('VIDEO_CAMERA_UNKNOWN');
      await t.app.videoIntake.settled();
      const refusal = await t.app.db.selectFrom('video_refusal').selectAll().where('camera', '=', 'no_such_camera').where('source', '=', 'webhook').executeTakeFirst();
      expect(refusal).toMatchObject({ code: 'VIDEO_CAMERA_UNKNOWN' });
    });

    it('de-duplicates: repeats of one object update one detection, its end and a repeat within the window continue it, one event', async () => {
      frigate.mode = 'image';
      const snapshotUrl = `${frigate.url}/snap/d1.jpg`;
      for (let i = 0; i < 3; i++) expect((await webhook(parked('d1', { snapshotUrl }))).json()).toEqual({ accepted: 1 });
      expect((await webhook(parked('d1', { phase: 'end' }))).statusCode).toBe(200);
      expect((await webhook(parked('d1'))).statusCode).toBe(200);
      const rows = (await settledDetections(cameraId)).filter((r) => r.track_key === 'd1');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ updates: 5, ended_at: null, category_code: 'E0505', snapshot_error: null });
      const events = await t.app.db.selectFrom('event').select('id').where('source_ref', '=', `camera:${cameraId}/detection:${rows[0]!.id}`).execute();
      expect(events).toHaveLength(1);
    });

    it('still opens the event when the snapshot times out or is not an image, and records why', async () => {
      frigate.mode = 'hang';
      await webhook(parked('s1', { snapshotUrl: `${frigate.url}/snap/slow.jpg` }));
      await t.app.videoIntake.settled();
      frigate.mode = 'html';
      await webhook(parked('s2', { snapshotUrl: `${frigate.url}/snap/login.jpg` }));
      const rows = await settledDetections(cameraId);
      frigate.mode = 'image';
      const slow = rows.find((r) => r.track_key === 's1')!;
      const html = rows.find((r) => r.track_key === 's2')!;
      expect(slow.snapshot_error).toMatch(/^SNAPSHOT_TIMEOUT/);
      expect(html.snapshot_error).toMatch(/^SNAPSHOT_NOT_IMAGE/);
      for (const row of [slow, html]) {
        expect(row.event_id).not.toBeNull();
        expect(await eventPhotos(t, Number(row.event_id))).toHaveLength(0);
      }
      const camera = await t.as(admin, { method: 'GET', url: `/api/video/cameras/${cameraId}` });
      expect(camera.json().snapshotError).toMatch(/^SNAPSHOT_NOT_IMAGE/);
    });

    it('refuses malformed detections with 400 naming the field', async () => {
      const response = await webhook({ camera: 'hook_test_01', objectId: 'x', label: 'car', box: [0.5, 0.5, 0.2, 0.2] });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ code: 'VIDEO_PAYLOAD_INVALID' });
      expect(response.json().detail).toMatch(/box/);
    });
  });

  describe('compliance observations (the reminder flow plugs in here)', () => {
    it('passes "still there" (throttled) and "gone" to the sink for reminder categories only', async () => {
      const seen: string[] = [];
      const original = t.app.videoIntake.complianceSink;
      t.app.videoIntake.complianceSink = {
        eventOpened: async (id) => void seen.push(`opened:${id}`),
        objectStillThere: async (o) => void seen.push(`there:${o.eventId}:${o.label}`),
        objectGone: async (o) => void seen.push(`gone:${o.eventId}:${o.zoneName}`),
      };
      try {
        const cameraId = await newCamera(t, admin, { sourceName: 'hook_test_02' });
        const car = { camera: 'hook_test_02', objectId: 'c1', label: 'car', score: 0.9, box: [0.3, 0.5, 0.5, 0.8], stationary: true, startedAt: Math.floor(Date.now() / 1000) - 600 };
        await webhook(car);
        await t.app.videoIntake.settled();
        const [opened] = await detectionsOf(t, cameraId);
        // A reminder category: the event waits for the reminder before 立案.
        expect(seen).toEqual([`opened:${opened!.event_id}`]);
        expect((await t.app.db.selectFrom('event').select('state').where('id', '=', opened!.event_id!).executeTakeFirstOrThrow()).state).toBe('reported');
        // Within VIDEO_RECHECK_INTERVAL_S of the event: nothing to pass on yet.
        await webhook(car);
        await t.app.videoIntake.settled();
        expect(seen).toHaveLength(1);
        await webhook({ ...car, phase: 'end' });
        await t.app.videoIntake.settled();
        const [row] = await detectionsOf(t, cameraId);
        expect(seen).toEqual([`opened:${row!.event_id}`, `gone:${row!.event_id}:禁停区`]);
        // 暴露垃圾 (Dahua 890) allows no reminder: no observations.
        const { dahuaPath } = await pushToken(cameraId);
        await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ Code: '890', action: 'Start', index: 0, data: { EventID: 7 } }) });
        await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ Code: '890', action: 'Stop', index: 0, data: { EventID: 7 } }) });
        await t.app.videoIntake.settled();
        expect((await detectionsOf(t, cameraId)).find((r) => r.vendor_code === '890')).toMatchObject({ category_code: 'E0102', end_reason: 'gone' });
        expect(seen).toHaveLength(2);
      } finally {
        t.app.videoIntake.complianceSink = original;
      }
    });
  });

  describe('rules', () => {
    const body = { name: '测试规则', labels: ['car'], vendorCodes: [], zoneType: 'no_parking', withLabels: [], minDwellSeconds: 60, requireStationary: true, minScore: 0.5, categoryCode: 'E0505', priority: 5, active: true };

    it('lists the seeded defaults with their categories', async () => {
      const rules = (await t.as(admin, { method: 'GET', url: '/api/video/rules' })).json().items as { name: string; categoryCode: string; vendorCodes: string[]; categoryName: string }[];
      // 乱停放 has a reminder first with its own 10-minute grace period; 暴露垃圾 (890) goes to 立案 at once.
      expect(rules.find((r) => r.vendorCodes.includes('893'))).toMatchObject({ categoryCode: 'E0505', categoryName: '机动车乱停放', reminderFirst: true, graceMinutes: 10 });
      expect(rules.find((r) => r.vendorCodes.includes('890'))).toMatchObject({ reminderFirst: false, graceMinutes: null });
      expect(rules.find((r) => r.vendorCodes.includes('882'))).toMatchObject({ categoryCode: 'E0504' });
      expect(rules.find((r) => r.name === '禁摆区占道经营')).toMatchObject({ categoryCode: 'E0550' });
    });

    it('validates: labels or codes, companions need a zone, the category must exist; the command center may not edit', async () => {
      const bad = await t.as(admin, { method: 'POST', url: '/api/video/rules', payload: { ...body, labels: [], withLabels: ['person'], zoneType: null, categoryCode: 'E0999' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().fields.map((e: { field: string; code: string }) => `${e.field} ${e.code}`).sort()).toEqual(['/categoryCode EVENT_CATEGORY_UNKNOWN', '/labels VIDEO_RULE_EMPTY', '/withLabels VIDEO_RULE_COMPANION_ZONE']);
      const command = await t.login('command');
      expect((await t.as(command, { method: 'POST', url: '/api/video/rules', payload: body })).statusCode).toBe(403);
      expect((await t.as(command, { method: 'GET', url: '/api/video/rules' })).statusCode).toBe(200);
    });

    it('an edited rule applies at once: switched off, a vendor code no longer opens events', async () => {
      const rules = (await t.as(admin, { method: 'GET', url: '/api/video/rules' })).json().items as ({ id: number; vendorCodes: string[] } & Omit<typeof body, 'vendorCodes'>)[];
      const rule = rules.find((r) => r.vendorCodes.includes('882'))!;
      const { id, categoryName: _c, reminderFirst: _r, graceMinutes: _g, updatedAt: _u, ...rest } = rule as typeof rule & { categoryName: string; reminderFirst: boolean; graceMinutes: number | null; updatedAt: string };
      const off = await t.as(admin, { method: 'PUT', url: `/api/video/rules/${id}`, payload: { ...rest, active: false } });
      expect(off.statusCode).toBe(200);
      const cameraId = await newCamera(t, admin, { sourceName: 'dahua_test_03', grid: otherGrid });
      const { dahuaPath } = await pushToken(cameraId);
      await t.app.inject({ method: 'POST', url: dahuaPath, headers: { 'content-type': 'application/json' }, payload: fixture('dahua-dpsdk-882.json') });
      const [row] = await settledDetections(cameraId);
      expect(row).toMatchObject({ vendor_code: '882', rule_id: null, event_id: null });
      await t.as(admin, { method: 'PUT', url: `/api/video/rules/${id}`, payload: { ...rest, active: true } });
    });
  });
});
