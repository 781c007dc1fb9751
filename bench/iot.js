// Area `iot`: the telemetry intake over real MQTT against a real `gongzhi serve` (embedded broker).
//
//   iot.mqtt_ingest   messages per second taken in, judged by the alarm rules and stored: BENCH_IOT_DEVICES
//                     (default 500) simulated gas detectors, each on its own MQTT connection with its own
//                     token, publish BENCH_IOT_MESSAGES (default 60,000) telemetry messages with QoS 1 from
//                     a separate load-generator process; every 50th detector is over its threshold (one
//                     alarm each, extended by every later message, and its event). The rate is all messages
//                     over the time from the first publish until the server has stored the last reading
//                     (GET /api/devices/intake), so a backlog still being written counts; target 5,000
//                     messages/s.
//
// The database is the demo town at a fiftieth plus the bench detectors (tokens bench-<i>), built fresh
// for each run. Env: BENCH_IOT_DEVICES, BENCH_IOT_MESSAGES, BENCH_DATABASE_URL (PostgreSQL instead).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openPGlite, openPostgres } from '../server/src/db/database.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { ensureBaseData } from '../server/src/demo/base-data.ts';
import { demoVillages, seedDemoTown } from '../server/src/demo/demo-town.ts';
import { pointPicker } from '../server/src/demo/demo-registry.ts';
import { seededRandom } from '../server/src/demo/random.ts';
import { FieldCipher } from '../server/src/privacy/field-cipher.ts';
import { hashAccessToken } from '../server/src/modules/devices/reporting-device.ts';
import { databaseMode, freePort, makeTempDir, removeTempDir, root, startServer, stopServer, trackChild } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';

const dataKey = Buffer.alloc(32, 'gongzhi-bench-key');
const int = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`);
  return value;
};

export async function run(report, { wants, log }) {
  if (!wants('mqtt_ingest')) return;
  const devices = int('BENCH_IOT_DEVICES', 500);
  const messages = int('BENCH_IOT_MESSAGES', 60_000);
  const dir = makeTempDir('gongzhi-bench-iot-');
  try {
    const dataDir = path.join(dir, 'data');
    await prepareDatabase(dataDir, devices, log);
    const mqttPort = await freePort();
    const server = await startServer({
      dataDir,
      // The per-device limit is set out of the way: the bench measures the intake, not the limiter.
      env: { GONGZHI_DATA_KEY: dataKey.toString('base64'), MQTT_PORT: String(mqttPort), MQTT_HOST: '127.0.0.1', IOT_DEVICE_RATE: '100000', IOT_DEVICE_BURST: '100000', IOT_SIMULATOR: 'false' },
    });
    try {
      const session = await login(server.baseUrl);
      const intake = async () => JSON.parse((await httpRequest(`${server.baseUrl}/api/devices/intake`, { headers: { cookie: session.cookie } })).body);
      const before = (await intake()).readingsStored;
      const perDevice = Math.ceil(messages / devices);
      const total = perDevice * devices;
      const configFile = path.join(dir, 'load.json');
      fs.writeFileSync(configFile, JSON.stringify({ tokens: Array.from({ length: devices }, (_, i) => `bench-${i}`), messagesPerDevice: perDevice, breachEvery: 50, inFlight: 10 }));
      const loader = trackChild(spawn(process.execPath, [path.join(root, 'bench/lib/mqtt-load.js'), String(mqttPort), configFile], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }));
      const lines = [];
      let publishingSince;
      loader.stdout.on('data', (chunk) => {
        for (const line of chunk.toString().trim().split('\n')) {
          lines.push(line);
          // Connections are made first; the clock starts with the first message.
          if (line.includes('"connected"')) publishingSince = performance.now();
        }
      });
      const loaderDone = new Promise((resolve, reject) => loader.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`load generator exited ${code}`)))));
      // Stored readings over time, until all are in (or nothing moves for 20 s).
      const samples = [];
      let lastChange = performance.now();
      for (;;) {
        const stats = await intake();
        const stored = stats.readingsStored - before;
        if (!samples.length || stored !== samples.at(-1).stored) lastChange = performance.now();
        samples.push({ at: performance.now(), stored, buffered: stats.buffered });
        if (stored >= total) break;
        if (performance.now() - lastChange > 20_000) throw new Error(`intake stalled at ${stored} of ${total} readings: ${JSON.stringify(stats)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await loaderDone;
      const stats = await intake();
      const rate = total / ((samples.at(-1).at - publishingSince) / 1000);
      const published = JSON.parse(lines.at(-1));
      log(`${devices} devices, ${total} messages published in ${published.seconds.toFixed(1)} s by the load generator; stored ${stats.readingsStored - before}; refused ${JSON.stringify(stats.rejected)}; most buffered ${Math.max(...samples.map((s) => s.buffered))}; last flush ${stats.lastFlushMs} ms; active alarms ${stats.activeAlarms} (${databaseMode()})`);
      if (Object.keys(stats.rejected).length) throw new Error(`the intake refused messages: ${JSON.stringify(stats.rejected)}`);
      report('mqtt_ingest', rate, 'messages/s', 5000, true);
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(dir);
  }
}

/** The demo town at a fiftieth and `count` gas detectors with tokens bench-0 … bench-<count-1>. */
async function prepareDatabase(dataDir, count, log) {
  const started = performance.now();
  const database = process.env.BENCH_DATABASE_URL ? await openPostgres(process.env.BENCH_DATABASE_URL, 2) : await openPGlite({ dataDir });
  try {
    if (process.env.BENCH_DATABASE_URL) await sql`DELETE FROM device WHERE serial_no LIKE 'BENCH-%'`.execute(database.db).catch(() => undefined);
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    await seedDemoTown(database.db, { scale: 1 / 50, cipher: new FieldCipher(dataKey) });
    const villages = demoVillages();
    const pointIn = pointPicker(villages, seededRandom(5000));
    const grids = villages.flatMap((v) => v.gridCodes);
    const rows = Array.from({ length: count }, (_, i) => ({
      device_type: 'sensor',
      name: `压测燃气探测器${i}`,
      serial_no: `BENCH-${i}`,
      sensor_kind: 'combustible_gas',
      ai_enabled: false,
      status: 'offline',
      token_hash: hashAccessToken(`bench-${i}`),
      report_interval_s: 600,
      ...pointIn(grids[i % grids.length]),
    }));
    for (let i = 0; i < rows.length; i += 500) await database.db.insertInto('device').values(rows.slice(i, i + 500)).execute();
  } finally {
    await database.close();
  }
  log(`database ready with ${count} bench detectors in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
