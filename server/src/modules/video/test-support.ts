import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import type { TestApp, Session } from '../../../test/test-app.ts';
import { homeGrid, pointIn } from '../../../test/event-fixtures.ts';
import { demoCamera } from '../../demo/demo-video.ts';

/** Helpers shared by the video tests. */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/video');
export const frigateFixture = path.join(fixturesDir, 'frigate-parking.jsonl');
export const fixtureEventId = '1780000000.512345-k3x9qa';

/** The recorded Frigate sequence, one message per line; `id` replaces the event id (a fresh object). */
export function frigateLines(id = fixtureEventId): string[] {
  return fs
    .readFileSync(frigateFixture, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.replaceAll(fixtureEventId, id));
}

/** A small real JPEG (a grey frame with a red box), made in the test. */
export function testJpeg(width = 320, height = 180): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808890' } })
    .composite([{ input: { create: { width: Math.round(width / 4), height: Math.round(height / 4), channels: 3, background: '#b22222' } }, left: Math.round(width / 2), top: Math.round(height / 2) }])
    .jpeg()
    .toBuffer();
}

export interface FakeFrigate {
  url: string;
  /** Paths asked for, in order. */
  requests: string[];
  /** What the next requests get: an image, something else, or no answer at all. */
  mode: 'image' | 'html' | 'hang' | 'notFound';
  close(): Promise<void>;
}

/** A loopback HTTP server standing in for Frigate's snapshot API or a camera's snapshot URL. */
export async function fakeFrigate(): Promise<FakeFrigate> {
  const jpeg = await testJpeg();
  const state: FakeFrigate = { url: '', requests: [], mode: 'image', close: async () => undefined };
  const server = http.createServer((request, response) => {
    state.requests.push(request.url ?? '');
    if (state.mode === 'hang') return;
    if (state.mode === 'notFound') return response.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false,"message":"Snapshot not available"}');
    if (state.mode === 'html') return response.writeHead(200, { 'content-type': 'image/jpeg' }).end('<html>login required</html>');
    response.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

export async function demoCameraId(t: TestApp): Promise<number> {
  const row = await t.app.db.selectFrom('camera_ai').select('device_id').where('source_name', '=', demoCamera.sourceName).executeTakeFirstOrThrow();
  return row.device_id;
}

let serial = 0;

/** A new AI camera in the grid, set up for video AI under `sourceName`, with a no-parking zone on a 1280×720 frame. */
export async function newCamera(t: TestApp, session: Session, options: { sourceName: string; grid?: string; frigateUrl?: string | null; snapshotUrl?: string; zone?: [number, number][] }) {
  const location = await pointIn(t.app, options.grid ?? homeGrid);
  serial++;
  const channelId = `3302031008132${String(process.pid % 1000).padStart(3, '0')}${String(serial).padStart(4, '0')}`;
  const created = await t.as(session, {
    method: 'POST',
    url: '/api/registry/devices',
    payload: { deviceType: 'camera', name: `测试AI监控${serial}`, channelId, aiEnabled: true, snapshotUrl: options.snapshotUrl ?? null, address: `测试路${serial}号`, ...location },
  });
  if (created.statusCode !== 201) throw new Error(`camera not created: ${created.body}`);
  const id = created.json().id as number;
  const zone = await t.as(session, {
    method: 'PUT',
    url: `/api/devices/${id}/zones`,
    payload: { zones: [{ name: '禁停区', zoneType: 'no_parking', polygon: options.zone ?? [[0, 360], [1280, 360], [1280, 720], [0, 720]], imageWidth: 1280, imageHeight: 720 }] },
  });
  if (zone.statusCode !== 200) throw new Error(`zones not saved: ${zone.body}`);
  const setUp = await t.as(session, {
    method: 'PUT',
    url: `/api/video/cameras/${id}`,
    payload: { sourceName: options.sourceName, frigateUrl: options.frigateUrl ?? null, detectorEnabled: false, detectorIntervalSeconds: 60, detectorSource: null },
  });
  if (setUp.statusCode !== 200) throw new Error(`camera not set up: ${setUp.body}`);
  return id;
}

export function detectionsOf(t: TestApp, deviceId: number) {
  return t.app.db.selectFrom('video_detection').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
}

export function eventOf(t: TestApp, eventId: number) {
  return t.app.db.selectFrom('event').selectAll().where('id', '=', eventId).executeTakeFirstOrThrow();
}

export function eventPhotos(t: TestApp, eventId: number) {
  return t.app.db.selectFrom('stored_file').selectAll().where('owner_type', '=', 'event').where('owner_id', '=', String(eventId)).execute();
}

export function eventNotes(t: TestApp, eventId: number) {
  return t.app.db.selectFrom('event_history').select(['action', 'note', 'details']).where('event_id', '=', eventId).where('action', '=', 'note').orderBy('id').execute();
}

export async function until<T>(probe: () => Promise<T | undefined | false | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
