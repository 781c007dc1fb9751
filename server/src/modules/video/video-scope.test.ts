import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { signWebhook } from './formats/webhook.ts';
import { newCamera } from './test-support.ts';

/**
 * A village-A actor holding every permission: village B's cameras answer 404 like missing ones on every
 * camera route with an id, change nothing, and B's detections never appear in A's lists or counts.
 * (Video rules are town-wide configuration, not records in a division.)
 */
const villageA = '330203103201';
const gridOfA = '33020310320101';
const gridOfB = '33020310320201';
const secret = 'scope-secret';

describe('video data scope', () => {
  let t: TestApp;
  let a: Session;
  let cameraOfB = 0;

  beforeAll(async () => {
    t = await createTestApp({ videoWebhookSecret: secret });
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_video', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_video', 'Scope-Test-2026');
    cameraOfB = await newCamera(t, admin, { sourceName: 'scope_b', grid: gridOfB });
    await newCamera(t, admin, { sourceName: 'scope_a', grid: gridOfA });
    for (const camera of ['scope_a', 'scope_b']) {
      const body = JSON.stringify({ camera, objectId: `${camera}-1`, label: 'car', box: [0.4, 0.5, 0.6, 0.8], stationary: true, startedAt: Math.floor(Date.now() / 1000) - 600 });
      const ts = Math.floor(Date.now() / 1000);
      const response = await t.app.inject({ method: 'POST', url: '/api/video/webhook', headers: { 'content-type': 'application/json', 'x-gongzhi-timestamp': String(ts), 'x-gongzhi-signature': signWebhook(secret, ts, body) }, payload: body });
      expect(response.statusCode).toBe(200);
    }
    await t.app.videoIntake.settled();
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'GET' as const, url: `/api/video/cameras/${cameraOfB}` },
    { method: 'PUT' as const, url: `/api/video/cameras/${cameraOfB}`, payload: { sourceName: 'taken_over', frigateUrl: null, detectorEnabled: true, detectorIntervalSeconds: 60, detectorSource: null } },
    { method: 'POST' as const, url: `/api/video/cameras/${cameraOfB}/push-token` },
    { method: 'POST' as const, url: `/api/video/cameras/${cameraOfB}/snapshot` },
    { method: 'GET' as const, url: `/api/video/cameras/${cameraOfB}/detections` },
  ];

  it('covers every parameterised camera route', () => {
    const covered = probes().map((p) => `${p.method} ${p.url.replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/video/cameras/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it("answers 404 for village B's camera on every such route and changes nothing", async () => {
    for (const probe of probes()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode, code: response.json().code }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404, code: 'NOT_FOUND' });
    }
    const settings = await t.app.db.selectFrom('camera_ai').selectAll().where('device_id', '=', cameraOfB).executeTakeFirstOrThrow();
    expect(settings).toMatchObject({ source_name: 'scope_b', detector_enabled: false, push_token_hash: null });
  });

  it("lists and counts only A's detections", async () => {
    const list = (await t.as(a, { method: 'GET', url: '/api/video/detections?pageSize=100' })).json();
    expect(list.total).toBeGreaterThan(0);
    expect(list.items.every((d: { deviceId: number }) => d.deviceId !== cameraOfB)).toBe(true);
    const today = (await t.as(a, { method: 'GET', url: '/api/video/detections/today' })).json();
    const counted = await t.app.db.selectFrom('video_detection').select((eb) => eb.fn.countAll<number>().as('n')).where('division_code', 'like', `${villageA}%`).where('first_at', '>=', new Date(today.since)).executeTakeFirstOrThrow();
    expect(today.detections).toBe(Number(counted.n));
    expect(today.events).toBeGreaterThan(0);
  });
});
