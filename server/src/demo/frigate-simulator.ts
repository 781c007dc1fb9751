import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { runAudited } from '../http/command.ts';
import { demoCamera, demoPlateRead } from './demo-video.ts';

/**
 * The demo's simulated Frigate: real `frigate/events` messages over MQTT for the demo camera, and a
 * loopback HTTP server answering Frigate's snapshot API (`/api/events/<id>/snapshot.jpg`,
 * `/api/<camera>/latest.jpg`) with a drawn street frame, so detections come with evidence.
 *
 * Every cycle a car drives into the no-parking zone, stops, stays, and leaves: new → update (in the
 * zone) → update (stationary) → updates every 5 s → end. The simulated Frigate's clock runs 6× fast
 * (each 5 s of real time is 30 s in its timestamps), so the default 3-minute parking rule fires about
 * 40 s after start instead of after 3 real minutes; the platform measures dwell on the source's clock.
 * Every other car's plate is read (Frigate LPR's `recognized_license_plate`): a demo vehicle's owner is
 * reminded for those, the shop at the corner for the others.
 */
export type FrigateTarget = { kind: 'embedded'; port: number; username: string; password: string } | { kind: 'external'; url: string };

const tickMs = 5_000;
const speedUp = 6;
/** Ticks of one cycle: arrive at 2, enter the zone at 3, stop at 4, leave at 16, pause until 24. */
const cycle = { arrive: 2, enter: 3, stop: 4, leave: 16, length: 24 };

export async function startFrigateSimulator(app: FastifyInstance, target: FrigateTarget, prefix: string): Promise<{ stop(): Promise<void> }> {
  const frames = { parked: await demoStreetFrame(true), empty: await demoStreetFrame(false) };
  let carPresent = false;
  const server = http.createServer((request, response) => {
    const url = request.url ?? '';
    if (/^\/api\/events\/[^/]+\/snapshot\.jpg/.test(url) || url.startsWith(`/api/${demoCamera.sourceName}/latest.jpg`)) {
      response.writeHead(200, { 'content-type': 'image/jpeg' }).end(carPresent || url.includes('/events/') ? frames.parked : frames.empty);
    } else {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ success: false, message: 'Not found' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const frigateUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const camera = await pointCameraAt(app, frigateUrl);

  const client: MqttClient =
    target.kind === 'embedded'
      ? mqtt.connect({ host: '127.0.0.1', port: target.port, username: target.username, password: target.password, clientId: 'gongzhi-demo-frigate', reconnectPeriod: 5_000 })
      : mqtt.connect(target.url, { clientId: 'gongzhi-demo-frigate', reconnectPeriod: 5_000 });
  client.on('error', (error) => app.log.warn({ err: error }, 'demo Frigate simulator: MQTT error'));

  const started = Date.now() / 1000;
  let tick = 0;
  let before: Record<string, unknown> | null = null;
  let id = '';
  const sourceTime = () => started + tick * (tickMs / 1000) * speedUp;
  const timer = setInterval(() => {
    const step = tick % cycle.length;
    const now = sourceTime();
    if (step === cycle.arrive) {
      id = `${now.toFixed(6)}-${crypto.randomBytes(3).toString('hex')}`;
      before = null;
    }
    if (step >= cycle.arrive && step <= cycle.leave) {
      const inZone = step >= cycle.enter && step < cycle.leave;
      const stationary = step >= cycle.stop && step < cycle.leave;
      const plate = Math.floor(tick / cycle.length) % 2 === 0 ? demoPlateRead : null;
      const after = carState(id, now, { inZone, stationary, ended: step === cycle.leave, startTime: before ? (before.start_time as number) : now, plate });
      const type = step === cycle.arrive ? 'new' : step === cycle.leave ? 'end' : 'update';
      client.publish(`${prefix}/events`, JSON.stringify({ type, before: before ?? { ...after, false_positive: true, snapshot: null }, after }));
      before = after;
      carPresent = step < cycle.leave;
    }
    tick++;
  }, tickMs);
  timer.unref();
  app.log.info({ camera: demoCamera.sourceName, deviceId: camera, frigateUrl }, 'demo Frigate simulator publishing');
  return {
    async stop() {
      clearInterval(timer);
      await client.endAsync(true);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The Frigate object of the simulated car: box in pixels of the 1280×720 detect resolution. */
function carState(id: string, now: number, s: { inZone: boolean; stationary: boolean; ended: boolean; startTime: number; plate: string | null }) {
  const box = s.inZone ? [780, 500, 1040, 668] : [300, 380, 470, 470];
  return {
    id,
    camera: demoCamera.sourceName,
    frame_time: now,
    snapshot: { frame_time: now, box, area: (box[2]! - box[0]!) * (box[3]! - box[1]!), region: [600, 300, 1200, 720], score: 0.86, attributes: [] },
    label: 'car',
    sub_label: null,
    top_score: 0.86,
    false_positive: false,
    start_time: s.startTime,
    end_time: s.ended ? now : null,
    score: 0.84,
    box,
    area: (box[2]! - box[0]!) * (box[3]! - box[1]!),
    ratio: 1.55,
    region: [600, 300, 1200, 720],
    active: !s.stationary,
    stationary: s.stationary,
    motionless_count: s.stationary ? 50 : 0,
    position_changes: s.inZone ? 2 : 1,
    current_zones: s.inZone ? ['no_parking'] : [],
    entered_zones: s.inZone || s.ended ? ['no_parking'] : [],
    has_clip: true,
    has_snapshot: true,
    attributes: {},
    current_attributes: [],
    pending_loitering: false,
    max_severity: s.inZone ? 'alert' : 'detection',
    recognized_license_plate: s.plate,
    recognized_license_plate_score: s.plate ? 0.91 : null,
  };
}

/** The demo camera's Frigate is this process: its URL changes with every start. */
async function pointCameraAt(app: FastifyInstance, frigateUrl: string): Promise<number | null> {
  const row = await runAudited(app.db, { actorType: 'system', actorId: null, actorName: 'demo', ip: null, userAgent: null, requestId: null }, async (trx, audit) => {
    const updated = await trx.updateTable('camera_ai').set({ frigate_url: frigateUrl, updated_at: new Date() }).where('source_name', '=', demoCamera.sourceName).returning('device_id').executeTakeFirst();
    if (updated) audit({ action: 'video:camera:update', entityType: 'device', entityId: updated.device_id, details: { frigateUrl, reason: 'demo Frigate simulator started' } });
    return updated;
  });
  if (row) await app.videoIntake.reloadCameras([row.device_id]);
  return row?.device_id ?? null;
}

/** A drawn street corner (road, kerb, the yellow no-parking zone), with or without the parked car. */
export function demoStreetFrame(withCar: boolean): Promise<Buffer> {
  const { width, height } = demoCamera.frame;
  const zone = demoCamera.zone.polygon.map(([x, y]) => `${x},${y}`).join(' ');
  const car = withCar
    ? `<g><rect x="780" y="540" width="260" height="110" rx="22" fill="#b22222"/><rect x="815" y="500" width="185" height="70" rx="18" fill="#8b1a1a"/>
       <rect x="832" y="510" width="70" height="48" rx="6" fill="#a9c7e8"/><rect x="912" y="510" width="72" height="48" rx="6" fill="#a9c7e8"/>
       <circle cx="835" cy="650" r="26" fill="#222"/><circle cx="985" cy="650" r="26" fill="#222"/><rect x="890" y="615" width="60" height="18" fill="#f5f5f5"/></g>`
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width}" height="${height}" fill="#9fb8c8"/>
    <rect y="180" width="${width}" height="200" fill="#c9c2b4"/>
    <rect x="60" y="120" width="260" height="220" fill="#d8cfc0"/><rect x="360" y="90" width="300" height="250" fill="#e3dccd"/>
    <rect x="720" y="140" width="240" height="200" fill="#cfc6b6"/><rect x="1000" y="110" width="280" height="230" fill="#ddd5c6"/>
    <polygon points="0,380 ${width},380 ${width},${height} 0,${height}" fill="#5d6166"/>
    <polygon points="0,372 ${width},372 ${width},388 0,388" fill="#b8b8b0"/>
    <polygon points="${zone}" fill="#f2c200" fill-opacity="0.18" stroke="#f2c200" stroke-width="6" stroke-dasharray="28 14"/>
    <line x1="0" y1="560" x2="520" y2="560" stroke="#f0f0f0" stroke-width="8" stroke-dasharray="60 40"/>
    ${car}
    <rect x="0" y="0" width="${width}" height="36" fill="#000" fill-opacity="0.45"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 82 }).toBuffer();
}

