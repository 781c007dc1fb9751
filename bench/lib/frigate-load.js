// Frigate load generator, run as its own process by bench/video.js: `node frigate-load.js <config.json>`.
// config: { mqttPort, username, password, snapshotPort, cameras: string[], rate, seconds, parkedUpdates }
// It serves Frigate's snapshot API on 127.0.0.1:<snapshotPort> (one small JPEG for every event id) and
// publishes `frigate/events` at `rate` messages/s for `seconds`: each object is new (moving) → update
// (in the no-parking zone) → update (stationary, its Frigate clock 200 s later: the parking rule holds)
// → `parkedUpdates` updates while it stays (Frigate's periodic updates) → end, objects interleaved over
// the cameras. For each object it notes when the message that makes
// the rule hold was published (epoch ms). Prints one JSON line { published, seconds, matched: {id: ms}, warmup: [id] }.
import fs from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import sharp from 'sharp';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const now = () => performance.timeOrigin + performance.now();

const jpeg = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#7a8088' } }).jpeg({ quality: 80 }).toBuffer();
const server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end(jpeg));
await new Promise((resolve) => server.listen(config.snapshotPort, '127.0.0.1', resolve));

const client = await mqtt.connectAsync({ host: '127.0.0.1', port: config.mqttPort, username: config.username, password: config.password, reconnectPeriod: 0 });

const last = 3 + config.parkedUpdates;

function state(id, camera, step, t0) {
  const inZone = step >= 1 && step < last;
  const stationary = step >= 2 && step < last;
  const frameTime = t0 + (step === 0 ? 0 : step === 1 ? 5 : 205 + (step - 2) * 60);
  return {
    id, camera, label: 'car', sub_label: null, false_positive: false, top_score: 0.85, score: 0.85,
    frame_time: frameTime, start_time: t0, end_time: step === last ? frameTime : null,
    box: inZone ? [700, 500, 900, 650] : [200, 380, 340, 460], stationary, active: !stationary,
    current_zones: inZone ? ['no_parking'] : [], entered_zones: step >= 1 ? ['no_parking'] : [],
    has_snapshot: true, has_clip: true, attributes: {}, current_attributes: [],
  };
}

const total = config.rate * config.seconds;
const objects = [];
const matched = {};
const warmup = [];
const started = now();
let published = 0;
let nextObject = 0;
// Each object publishes its messages at least 60 ms apart; new objects start whenever no object in flight
// is due, so that the message rate stays at `rate`.
while (published < total) {
  const due = started + (published * 1000) / config.rate;
  const wait = due - now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  let object = objects.find((o) => o.step <= last && o.nextAt <= now());
  if (!object) {
    const t0 = Date.now() / 1000;
    object = { id: `${t0.toFixed(6)}-b${nextObject}`, camera: config.cameras[nextObject % config.cameras.length], step: 0, t0, nextAt: 0, before: null };
    nextObject++;
    objects.push(object);
  }
  const after = state(object.id, object.camera, object.step, object.t0);
  const type = object.step === 0 ? 'new' : object.step === last ? 'end' : 'update';
  const payload = JSON.stringify({ type, before: object.before ?? { ...after, false_positive: true }, after });
  if (object.step === 2) {
    matched[object.id] = now();
    if (now() - started < config.warmupSeconds * 1000) warmup.push(object.id);
  }
  client.publish('frigate/events', payload, { qos: 0 });
  object.before = after;
  object.step++;
  object.nextAt = now() + 60;
  published++;
}
const seconds = (now() - started) / 1000;
await client.endAsync();
// Snapshots may still be asked for while the last events are opened.
await new Promise((resolve) => setTimeout(resolve, 5_000));
server.close();
process.stdout.write(`${JSON.stringify({ published, seconds, matched, warmup })}\n`);
