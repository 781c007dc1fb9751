import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { Detector } from './detector/detector.ts';
import { framesDir, startDetectorScheduler, type DetectorRun } from './detector/detector-scheduler.ts';
import { detectionsOf, eventPhotos, newCamera } from './test-support.ts';

/**
 * The built-in detector with the real offline model (Human's CenterNet on WASM, from node_modules): it
 * finds people in the photo collage Human ships (assets/samples.jpg), and a camera that enables it
 * turns a frame from its detector source into detections, zones and an event like any other source.
 * Labels are checked loosely (a person with score ≥ 0.3), never exact boxes.
 */
const require = createRequire(import.meta.url);
const samplePhoto = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg');

describe('built-in detector', () => {
  let detector: Detector;
  beforeAll(async () => {
    detector = await Detector.start({ threads: 1, minConfidence: 0.3, maxDetected: 20 });
  });
  afterAll(() => detector.close());

  it('finds people in a real photo, offline, in a worker thread', async () => {
    const result = await detector.detect(fs.readFileSync(samplePhoto));
    const people = result.objects.filter((o) => o.label === 'person');
    expect(people.length).toBeGreaterThan(0);
    expect(Math.max(...people.map((p) => p.score))).toBeGreaterThanOrEqual(0.3);
    for (const { box } of people) expect(box.every((v) => v >= 0 && v <= 1) && box[2] > box[0] && box[3] > box[1]).toBe(true);
  });

  it('finds nothing in a blank frame, and says so when the bytes are not an image', async () => {
    const blank = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#777' } }).png().toBuffer();
    expect((await detector.detect(blank)).objects).toEqual([]);
    await expect(detector.detect(Buffer.from('not an image'))).rejects.toThrow(/detector/);
  });
});

describe('detector schedule on a camera', () => {
  let t: TestApp;
  let admin: Session;
  let run: DetectorRun;
  beforeAll(async () => {
    t = await createTestApp({ videoDetectorThreads: 1 });
    admin = await t.login('admin');
    run = startDetectorScheduler(t.app);
  });
  afterAll(async () => {
    await run.stop();
    await t.close();
  });

  it('pulls the frame from its file source, runs the rules on the detections and opens the event with that frame', async () => {
    fs.mkdirSync(path.join(framesDir(t.dataDir), 'square'), { recursive: true });
    fs.copyFileSync(samplePhoto, path.join(framesDir(t.dataDir), 'square', 'latest.jpg'));
    const cameraId = await newCamera(t, admin, { sourceName: 'detector_test_01' });
    const zones = await t.as(admin, { method: 'PUT', url: `/api/devices/${cameraId}/zones`, payload: { zones: [{ name: '广场', zoneType: 'watch', polygon: [[0, 0], [1280, 0], [1280, 1158], [0, 1158]], imageWidth: 1280, imageHeight: 1158 }] } });
    expect(zones.statusCode).toBe(200);
    const rule = await t.as(admin, { method: 'POST', url: '/api/video/rules', payload: { name: '关注区有人（测试）', labels: ['person'], vendorCodes: [], zoneType: 'watch', withLabels: [], minDwellSeconds: 0, requireStationary: false, minScore: 0.3, categoryCode: 'E0501', priority: 1, active: true } });
    expect(rule.statusCode).toBe(201);
    const bad = await t.as(admin, { method: 'PUT', url: `/api/video/cameras/${cameraId}`, payload: { sourceName: 'detector_test_01', frigateUrl: null, detectorEnabled: true, detectorIntervalSeconds: 30, detectorSource: '../../etc/passwd' } });
    expect(bad.json().fields).toMatchObject([{ field: '/detectorSource', code: 'VIDEO_DETECTOR_SOURCE' }]);
    const enabled = await t.as(admin, { method: 'PUT', url: `/api/video/cameras/${cameraId}`, payload: { sourceName: 'detector_test_01', frigateUrl: null, detectorEnabled: true, detectorIntervalSeconds: 30, detectorSource: 'square/latest.jpg' } });
    expect(enabled.statusCode).toBe(200);

    expect(await run.runDue()).toBe(1);
    // Not due again before its interval.
    expect(await run.runDue()).toBe(0);
    await t.app.videoIntake.settled();
    const rows = await detectionsOf(t, cameraId);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.source === 'detector' && r.zones.includes('广场'))).toBe(true);
    const person = rows.find((r) => r.label === 'person' && r.event_id !== null)!;
    expect(person.score).toBeGreaterThanOrEqual(0.3);
    expect(await eventPhotos(t, Number(person.event_id))).toMatchObject([{ mime: 'image/jpeg', width: 1280, height: 1158 }]);
  });

  it('records a frame source that cannot be read on the camera', async () => {
    const cameraId = await newCamera(t, admin, { sourceName: 'detector_test_02' });
    await t.as(admin, { method: 'PUT', url: `/api/video/cameras/${cameraId}`, payload: { sourceName: 'detector_test_02', frigateUrl: null, detectorEnabled: true, detectorIntervalSeconds: 30, detectorSource: 'missing/latest.jpg' } });
    await run.runDue(Date.now() + 60_000);
    const camera = (await t.as(admin, { method: 'GET', url: `/api/video/cameras/${cameraId}` })).json();
    expect(camera.snapshotError).toMatch(/^SNAPSHOT_UNREACHABLE: ENOENT/);
  });
});
