import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { startMqttIntake, type MqttIntake } from '../devices/mqtt/mqtt-intake.ts';
import { demoCamera, demoShop } from '../../demo/demo-video.ts';
import { demoCameraId, detectionsOf, eventOf, eventPhotos, fakeFrigate, frigateLines, until, type FakeFrigate } from './test-support.ts';

/**
 * End to end over real MQTT: the recorded Frigate sequence (new → updates → stationary for 3+ minutes
 * of Frigate's clock → end) for the demo camera, through the embedded broker and through the Mosquitto
 * server on 127.0.0.1:1883 (MQTT_URL mode). Each replay is exactly one detection and one illegal-parking
 * event (E0505) with the snapshot served by a stand-in Frigate; the demo shop beside the camera is
 * reminded and "vehicle gone" settles it (closed as resolved by reminder).
 */
const mosquittoUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const frigatePassword = 'test-frigate-password';

function connect(options: mqtt.IClientOptions & { url?: string }) {
  return new Promise<mqtt.MqttClient>((resolve, reject) => {
    const client = options.url ? mqtt.connect(options.url, { ...options, reconnectPeriod: 0 }) : mqtt.connect({ ...options, reconnectPeriod: 0 });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

describe('Frigate over MQTT', () => {
  let t: TestApp;
  let admin: Session;
  let frigate: FakeFrigate;
  let cameraId: number;

  beforeAll(async () => {
    t = await createTestApp({ videoMqttPassword: frigatePassword, videoFrigatePrefix: 'frigate' });
    admin = await t.login('admin');
    frigate = await fakeFrigate();
    cameraId = await demoCameraId(t);
    const setUp = await t.as(admin, { method: 'PUT', url: `/api/video/cameras/${cameraId}`, payload: { sourceName: demoCamera.sourceName, frigateUrl: frigate.url, detectorEnabled: false, detectorIntervalSeconds: 60, detectorSource: null } });
    expect(setUp.statusCode).toBe(200);
  });
  afterAll(async () => {
    await frigate.close();
    await t.close();
  });

  /** Publishes the sequence for a fresh object id and returns the single detection it made. */
  async function replay(client: mqtt.MqttClient) {
    const id = `${(Date.now() / 1000).toFixed(6)}-${crypto.randomBytes(3).toString('hex')}`;
    for (const line of frigateLines(id)) await client.publishAsync('frigate/events', line, { qos: 1 });
    await until(async () => (await detectionsOf(t, cameraId)).some((d) => d.track_key === id && d.ended_at !== null));
    await t.app.videoIntake.settled();
    const rows = (await detectionsOf(t, cameraId)).filter((d) => d.track_key === id);
    return { id, rows };
  }

  async function expectOneParkingEvent(rows: Awaited<ReturnType<typeof detectionsOf>>, frigateId: string) {
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ source: 'frigate', label: 'car', stationary: false, end_reason: 'gone', category_code: 'E0505', event_error: null, snapshot_error: null });
    expect(row!.updates).toBe(8);
    const event = await eventOf(t, Number(row!.event_id));
    expect(event).toMatchObject({ source: 'video_ai', category_code: 'E0505', source_ref: `camera:${cameraId}/detection:${row!.id}` });
    // 机动车乱停放 allows a polite reminder first: the demo shop beside this camera is reminded (the
    // recording reads no plate), and the car leaving settles it: closed as resolved by reminder.
    expect(event).toMatchObject({ state: 'closed', close_type: 'reminder' });
    const reminder = await t.app.db.selectFrom('outreach_reminder').select(['status', 'party_kind', 'party_name']).where('event_id', '=', event.id).executeTakeFirstOrThrow();
    expect(reminder).toEqual({ status: 'complied', party_kind: 'enterprise', party_name: demoShop.name });
    const photos = await eventPhotos(t, event.id);
    expect(photos).toHaveLength(1);
    expect(photos[0]).toMatchObject({ mime: 'image/jpeg', width: 320, height: 180 });
    expect(frigate.requests).toContain(`/api/events/${frigateId}/snapshot.jpg?bbox=1`);
    const events = await t.app.db.selectFrom('event').select('id').where('source_ref', 'like', `camera:${cameraId}/%`).where('id', '=', event.id).execute();
    expect(events).toHaveLength(1);
  }

  describe('embedded broker', () => {
    let broker: MqttIntake;
    beforeAll(async () => {
      broker = await startMqttIntake(t.app, t.app.deviceIntake, { port: 0, url: null });
    });
    afterAll(() => broker.close());

    it('refuses Frigate with a wrong password, and Frigate may not publish outside its prefix', async () => {
      await expect(connect({ host: '127.0.0.1', port: broker.port!, username: 'frigate', password: 'wrong' })).rejects.toMatchObject({ code: 5 });
      const client = await connect({ host: '127.0.0.1', port: broker.port!, username: 'frigate', password: frigatePassword });
      const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
      client.publish('v1/devices/me/telemetry', '{"gas_lel": 90}');
      await closed;
      client.end(true);
    });

    it('replays new → update → end as one detection and one illegal-parking event with its snapshot, then "vehicle gone"', async () => {
      const client = await connect({ host: '127.0.0.1', port: broker.port!, username: 'frigate', password: frigatePassword });
      try {
        // Frigate's other topics are accepted and ignored.
        await client.publishAsync('frigate/available', 'online', { qos: 1 });
        const { id, rows } = await replay(client);
        await expectOneParkingEvent(rows, id);
      } finally {
        await client.endAsync();
      }
    });

    it('records and refuses events of unknown cameras and malformed messages, without detections', async () => {
      const client = await connect({ host: '127.0.0.1', port: broker.port!, username: 'frigate', password: frigatePassword });
      const before = await t.app.db.selectFrom('video_detection').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      try {
        const [first] = frigateLines('1780000999.000000-unknwn');
        await client.publishAsync('frigate/events', first!.replaceAll(demoCamera.sourceName, 'no_such_camera'), { qos: 1 });
        await client.publishAsync('frigate/events', '{"type": "new", "after": {"camera": ', { qos: 1 });
      } finally {
        await client.endAsync();
      }
      await until(async () => (await t.app.db.selectFrom('video_refusal').select('id').where('camera', '=', 'no_such_camera').execute()).length === 1);
      await t.app.videoIntake.settled();
      const refusals = await t.app.db.selectFrom('video_refusal').selectAll().orderBy('id', 'desc').limit(2).execute();
      expect(refusals.map((r) => [r.source, r.code, r.camera])).toEqual([
        ['frigate', 'VIDEO_PAYLOAD_INVALID', null],
        ['frigate', 'VIDEO_CAMERA_UNKNOWN', 'no_such_camera'],
      ]);
      const after = await t.app.db.selectFrom('video_detection').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      const status = await t.as(admin, { method: 'GET', url: '/api/video/intake' });
      expect(status.json().refused).toMatchObject({ VIDEO_CAMERA_UNKNOWN: 1, VIDEO_PAYLOAD_INVALID: 1 });
      expect(status.json().recentRefusals[1]).toMatchObject({ code: 'VIDEO_CAMERA_UNKNOWN', camera: 'no_such_camera' });
    });
  });

  describe('external broker (Mosquitto on 127.0.0.1:1883)', () => {
    let intake: MqttIntake;
    beforeAll(async () => {
      intake = await startMqttIntake(t.app, t.app.deviceIntake, { url: mosquittoUrl });
    });
    afterAll(() => intake.close());

    it('subscribes to frigate/events and makes the same single event', async () => {
      const client = await connect({ url: mosquittoUrl });
      try {
        const { id, rows } = await replay(client);
        await expectOneParkingEvent(rows, id);
      } finally {
        await client.endAsync();
      }
    });
  });
});

