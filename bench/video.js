// Area `video`: video-AI detections against a real `gongzhi serve`, and the built-in detector.
//
//   video.detection_to_event_p99   ms from publishing the Frigate message that makes the parking rule
//                                  hold to the event.created message on the SSE stream (/api/stream):
//                                  50 Frigate messages/s over the embedded broker from a separate
//                                  load-generator process (BENCH_VIDEO_RATE, BENCH_VIDEO_SECONDS, default
//                                  50/s for 30 s) across 20 cameras; each object is new → in the zone →
//                                  stationary 200 s later on its clock (the rule holds) → 4 periodic
//                                  updates while parked (BENCH_VIDEO_PARKED_UPDATES) → end, so one message
//                                  in 8 opens an event (6 events/s, far above a town's real rate), each
//                                  with its snapshot fetched from the load generator's stand-in Frigate
//                                  API and stored, then the event registered and routed. Objects of the
//                                  first 5 s (warm-up) are left out of the percentile. Target 200 ms.
//   video.detector_fps_per_core    frames per second of the built-in detector on one worker thread (one
//                                  core), on Human's 1280×1158 sample photo after warm-up. Target 2: the
//                                  town runs AI on 80 channels; one core looking at each of them every
//                                  40 s is 2 frames/s.
//
// The database is the demo town at a fiftieth plus the bench cameras, built fresh for each run.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { openPGlite, openPostgres } from '../server/src/db/database.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { ensureBaseData } from '../server/src/demo/base-data.ts';
import { demoVillages, seedDemoTown } from '../server/src/demo/demo-town.ts';
import { pointPicker } from '../server/src/demo/demo-registry.ts';
import { seededRandom } from '../server/src/demo/random.ts';
import { FieldCipher } from '../server/src/privacy/field-cipher.ts';
import { Detector } from '../server/src/modules/video/detector/detector.ts';
import { databaseMode, freePort, makeTempDir, removeTempDir, root, startServer, stopServer, trackChild } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';
import { percentile } from './lib/stats.js';

const dataKey = Buffer.alloc(32, 'gongzhi-bench-key');
const cameraCount = 20;
const int = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

export async function run(report, { wants, log }) {
  if (wants('detection_to_event_p99')) report('detection_to_event_p99', await detectionToEvent(log), 'ms', 200, false);
  if (wants('detector_fps_per_core')) report('detector_fps_per_core', await detectorSpeed(log), 'frames/s', 2, true);
}

async function detectionToEvent(log) {
  const rate = int('BENCH_VIDEO_RATE', 50);
  const seconds = int('BENCH_VIDEO_SECONDS', 30);
  const parkedUpdates = Number(process.env.BENCH_VIDEO_PARKED_UPDATES ?? 4);
  const dir = makeTempDir('gongzhi-bench-video-');
  try {
    const dataDir = path.join(dir, 'data');
    const snapshotPort = await freePort();
    await prepareDatabase(dataDir, `http://127.0.0.1:${snapshotPort}`, log);
    const mqttPort = await freePort();
    const server = await startServer({
      dataDir,
      env: { GONGZHI_DATA_KEY: dataKey.toString('base64'), MQTT_PORT: String(mqttPort), MQTT_HOST: '127.0.0.1', VIDEO_MQTT_PASSWORD: 'bench', IOT_SIMULATOR: 'false', VIDEO_SIMULATOR: 'false' },
    });
    try {
      const session = await login(server.baseUrl);
      const created = new Map();
      const stream = await openStream(server.baseUrl, session.cookie, (type, data) => {
        if (type === 'event.created') created.set(data.id, performance.timeOrigin + performance.now());
      });
      const configFile = path.join(dir, 'load.json');
      const cameras = Array.from({ length: cameraCount }, (_, i) => `bench_cam_${i}`);
      fs.writeFileSync(configFile, JSON.stringify({ mqttPort, username: 'frigate', password: 'bench', snapshotPort, cameras, rate, seconds, parkedUpdates, warmupSeconds: 5 }));
      const loader = trackChild(spawn(process.execPath, [path.join(root, 'bench/lib/frigate-load.js'), configFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }));
      let out = '';
      loader.stdout.on('data', (chunk) => (out += chunk));
      await new Promise((resolve, reject) => loader.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load generator exited ${code}`)))));
      const load = JSON.parse(out.trim().split('\n').at(-1));
      const expected = Object.keys(load.matched).length;
      const detections = await until(async () => {
        const rows = await detectionsWithEvents(server.baseUrl, session.cookie);
        return rows.filter((d) => d.eventId !== null && created.has(d.eventId)).length >= expected ? rows : undefined;
      }, 30_000);
      stream.close();
      const withEvents = detections.filter((d) => load.matched[d.trackKey] !== undefined && d.eventId !== null);
      const warmup = new Set(load.warmup);
      const latencies = withEvents.filter((d) => !warmup.has(d.trackKey)).map((d) => created.get(d.eventId) - load.matched[d.trackKey]);
      const status = JSON.parse((await httpRequest(`${server.baseUrl}/api/video/intake`, { headers: { cookie: session.cookie } })).body);
      log(
        `${load.published} Frigate messages in ${load.seconds.toFixed(1)} s (${(load.published / load.seconds).toFixed(1)}/s) over ${cameraCount} cameras; ${withEvents.length} events of ${expected} objects (${warmup.size} in the 5 s warm-up left out); ` +
          `detection → event p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p90 ${percentile(latencies, 0.9).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms ` +
          `(in-server receive → created p99 ${status.eventLatencyP99Ms} ms); snapshot errors ${status.snapshotErrors}, event errors ${status.eventErrors} (${databaseMode()})`,
      );
      if (withEvents.length !== expected) throw new Error(`${expected - withEvents.length} objects got no event`);
      if (status.snapshotErrors || status.eventErrors) throw new Error(`snapshot or event errors: ${JSON.stringify(status)}`);
      return percentile(latencies, 0.99);
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(dir);
  }
}

/** Every detection of the bench cameras with its track key and event (the API pages by 500). */
async function detectionsWithEvents(baseUrl, cookie) {
  const items = [];
  for (let page = 1; ; page++) {
    const body = JSON.parse((await httpRequest(`${baseUrl}/api/video/detections?pageSize=500&page=${page}`, { headers: { cookie } })).body);
    items.push(...body.items);
    if (items.length >= body.total || !body.items.length) return items;
  }
}

function openStream(baseUrl, cookie, onMessage) {
  return new Promise((resolve, reject) => {
    const request = http.get(`${baseUrl}/api/stream`, { headers: { cookie, accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`stream: HTTP ${response.statusCode}`));
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (type && data) onMessage(type, JSON.parse(data));
        }
      });
      resolve({ close: () => request.destroy() });
    });
    request.on('error', reject);
  });
}

async function until(probe, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (performance.now() > deadline) throw new Error('events did not all arrive in time');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The demo town at a fiftieth and the bench cameras bench_cam_<i>, each with a no-parking zone and the stand-in Frigate. */
async function prepareDatabase(dataDir, frigateUrl, log) {
  const started = performance.now();
  const database = process.env.BENCH_DATABASE_URL ? await openPostgres(process.env.BENCH_DATABASE_URL, 2) : await openPGlite({ dataDir });
  try {
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    await seedDemoTown(database.db, { scale: 1 / 50, cipher: new FieldCipher(dataKey) });
    await database.db.deleteFrom('device').where('channel_id', 'like', '3302031008132999%').execute();
    const villages = demoVillages();
    const pointIn = pointPicker(villages, seededRandom(5050));
    const grids = villages.flatMap((v) => v.gridCodes);
    for (let i = 0; i < cameraCount; i++) {
      const camera = await database.db
        .insertInto('device')
        .values({ device_type: 'camera', name: `压测AI监控${i}`, channel_id: `3302031008132999${String(i).padStart(4, '0')}`, ai_enabled: true, status: 'online', address: `压测路${i}号`, ...pointIn(grids[i % grids.length]) })
        .returning('id')
        .executeTakeFirstOrThrow();
      await database.db.insertInto('camera_ai').values({ device_id: camera.id, source_name: `bench_cam_${i}`, frigate_url: frigateUrl, updated_at: new Date() }).execute();
      await database.db.insertInto('camera_zone').values({ device_id: camera.id, name: '禁停区', zone_type: 'no_parking', polygon: JSON.stringify([[600, 400], [1280, 400], [1280, 720], [600, 720]]), image_width: 1280, image_height: 720, updated_at: new Date() }).execute();
    }
  } finally {
    await database.close();
  }
  log(`database ready with ${cameraCount} bench cameras in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function detectorSpeed(log) {
  const require = createRequire(import.meta.url);
  const photo = fs.readFileSync(path.resolve(path.dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg'));
  const detector = await Detector.start({ threads: 1, minConfidence: 0.3, maxDetected: 30 });
  try {
    for (let i = 0; i < 3; i++) await detector.detect(photo);
    const frames = int('BENCH_DETECTOR_FRAMES', 20);
    const inference = [];
    const started = performance.now();
    for (let i = 0; i < frames; i++) inference.push((await detector.detect(photo)).ms);
    const fps = frames / ((performance.now() - started) / 1000);
    log(`${frames} frames of 1280×1158 on one worker thread: ${fps.toFixed(2)} frames/s; decode + inference median ${percentile(inference, 0.5).toFixed(0)} ms`);
    return fps;
  } finally {
    await detector.close();
  }
}
