import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { signWebhook } from '../video/formats/webhook.ts';
import { detectionsOf, eventOf, newCamera } from '../video/test-support.ts';
import { noQuietHours, setOutreachSettings, shopAt } from './test-support.ts';

/**
 * 视频AI + 114 end to end: a car parked in a camera's no-parking zone opens one illegal-parking event,
 * the shop at the spot gets a polite reminder in the outbox, and what the camera sees next settles it:
 * the car gone closes the event as resolved by reminder; the car still there after the grace period
 * sends it to law enforcement.
 */
describe('video detections drive the reminders', () => {
  const secret = 'video-outreach-secret';
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp({ videoWebhookSecret: secret, videoRecheckIntervalSeconds: 0 });
    admin = await t.login('admin');
    await setOutreachSettings(t, admin, { quietHours: noQuietHours, rateLimit: { maxMessages: 50, windowHours: 24 } });
  });
  afterAll(() => t.close());

  function detect(body: Record<string, unknown>) {
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    return t.app.inject({ method: 'POST', url: '/api/video/webhook', headers: { 'content-type': 'application/json', 'x-gongzhi-timestamp': String(timestamp), 'x-gongzhi-signature': signWebhook(secret, timestamp, payload) }, payload });
  }

  /** A camera with a shop beside it, and a car parked in its zone for ten minutes. */
  async function parkedCar(sourceName: string, phone: string) {
    const cameraId = await newCamera(t, admin, { sourceName });
    const camera = await t.app.db.selectFrom('device').select(['lng', 'lat']).where('id', '=', cameraId).executeTakeFirstOrThrow();
    await shopAt(t.app, { lng: camera.lng, lat: camera.lat }, { phone, name: `${sourceName}便利店` });
    const car = { camera: sourceName, objectId: 'car-1', label: 'car', score: 0.9, box: [0.3, 0.5, 0.5, 0.8], stationary: true, startedAt: Math.floor(Date.now() / 1000) - 600 };
    expect((await detect(car)).statusCode).toBeLessThan(300);
    await t.app.videoIntake.settled();
    const detections = await detectionsOf(t, cameraId);
    expect(detections).toHaveLength(1);
    const eventId = detections[0]!.event_id!;
    return { car, eventId };
  }

  const reminderOf = (eventId: number) => t.app.db.selectFrom('outreach_reminder').selectAll().where('event_id', '=', eventId).executeTakeFirstOrThrow();

  it('reminds the shop, and closes the event as resolved by reminder when the car leaves', async () => {
    const { car, eventId } = await parkedCar('outreach_cam_01', '13905740001');
    expect(await eventOf(t, eventId)).toMatchObject({ source: 'video_ai', category_code: 'E0505', state: 'reported' });
    const reminder = await reminderOf(eventId);
    expect(reminder.status).toBe('awaiting');
    const messages = await t.app.db.selectFrom('outreach_message').select(['channel', 'status']).where('reminder_id', '=', reminder.id).execute();
    expect(messages.length).toBeGreaterThan(0);

    expect((await detect({ ...car, phase: 'end' })).statusCode).toBeLessThan(300);
    await t.app.videoIntake.settled();
    expect(await eventOf(t, eventId)).toMatchObject({ state: 'closed', close_type: 'reminder' });
    expect((await reminderOf(eventId)).status).toBe('complied');
  });

  it('sends the event to law enforcement when the car is still there after the grace period', async () => {
    const { car, eventId } = await parkedCar('outreach_cam_02', '13905740002');
    // Still there within the grace period: nothing is decided yet.
    await detect(car);
    await t.app.videoIntake.settled();
    expect((await reminderOf(eventId)).status).toBe('awaiting');
    await t.app.db.updateTable('outreach_reminder').set({ recheck_due_at: new Date(Date.now() - 1000) }).where('event_id', '=', eventId).execute();
    await detect(car);
    await t.app.videoIntake.settled();
    expect((await reminderOf(eventId)).status).toBe('not_complied');
    const event = await eventOf(t, eventId);
    expect(event.state).not.toBe('reported');
    const unit = await t.app.db.selectFrom('organization').select('kind').where('id', '=', event.handling_unit_id!).executeTakeFirst();
    expect(unit?.kind).toBe('law_enforcement');
  });
});
