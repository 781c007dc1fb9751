// Area `events`: the event center with a large history, over HTTP against a real `gongzhi serve`.
//
//   events.demo_seed        the demo town's year of events (16,500 + history, walked through the
//                           workflow rules) bulk-loaded into a fresh in-memory PGlite; target 15 s
//   events.intake           POST /api/events (hotline reports with a location) over BENCH_CONNECTIONS
//                           keep-alive connections, closed loop, BENCH_DURATION_S counted, one API
//                           process; target 300 events/s on PGlite, 1000 on PostgreSQL
//                           (BENCH_DATABASE_URL). Also logged: the CPU ms per event of the API process
//                           and of the PostgreSQL backends, and how busy the machine was.
//   events.intake_p99       99th percentile latency of intake at half that measured rate, open loop
//                           (latency counted from the scheduled send); target 100 ms
//   events.queue_page_p95   one work-queue page (GET /api/events?queue=handle&pageSize=20, deadline order,
//                           lights, bounded count) as the command center, one user paging (1 connection,
//                           BENCH_QUEUE_CONNECTIONS); target 50 ms
//
// The database holds BENCH_EVENTS events (default 1,000,000; 2 % open across the queues) and their
// history, generated inside the database (bench/lib/event-data.js). On PGlite the generated data dir
// is cached in .bench/events-<count>/ (rebuilt when the migrations change) and copied for each run, so
// only the first run pays the minutes of generation. On PostgreSQL the events are generated into
// BENCH_DATABASE_URL once (use a throwaway database) and later runs reuse them.
// Env knobs: BENCH_EVENTS, BENCH_DATABASE_URL, BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_CONNECTIONS (16),
// BENCH_QUEUE_CONNECTIONS (1).
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { openPGlite } from '../server/src/db/database.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { ensureBaseData } from '../server/src/demo/base-data.ts';
import { demoPassword, demoVillages, seedDemoTown } from '../server/src/demo/demo-town.ts';
import { seedDemoEvents } from '../server/src/demo/demo-events.ts';
import { FieldCipher } from '../server/src/privacy/field-cipher.ts';
import { demoOutlines } from '../server/src/demo/demo-boundaries.ts';
import { databaseMode, removeTempDir, startServer, stopServer } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';
import { runLoad } from './lib/loadgen.js';
import { measureCpu } from './lib/cpu.js';
import { benchDataKey as dataKey, benchDemoScale as demoScale, benchServerEnv as serverEnv, prepareEventData } from './lib/event-data.js';

const num = (name, fallback, max) => {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be a number in (0, ${max}], got "${raw}"`);
  return value;
};

export async function run(report, { wants, log }) {
  if (wants('demo_seed')) await demoSeed(report, log);
  if (!wants('intake') && !wants('queue_page')) return;
  const count = Math.round(num('BENCH_EVENTS', 1_000_000, 10_000_000));
  log(`database: ${databaseMode()}, ${count.toLocaleString('en')} events`);
  const prepared = await prepareEventData(count, log);
  try {
    const server = await startServer({ dataDir: prepared.dataDir, env: serverEnv });
    try {
      const session = await login(server.baseUrl, { username: 'command', password: demoPassword });
      const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken };
      if (wants('intake')) await intake(report, server, headers, log);
      if (wants('queue_page')) await queuePage(report, server, headers, log);
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(prepared.dir);
  }
}

async function demoSeed(report, log) {
  const database = await openPGlite({});
  try {
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    const cipher = new FieldCipher(dataKey);
    // The town (with its registry and demo events at a fiftieth), then the full year of events timed alone.
    await seedDemoTown(database.db, { scale: demoScale, cipher });
    // CASCADE: the tables that reference events (statistics, callbacks…) go with them.
    await sql`TRUNCATE event_history, event, event_code_counter CASCADE`.execute(database.db);
    const started = performance.now();
    const events = await seedDemoEvents(database.db, { scale: 1, cipher });
    const seconds = (performance.now() - started) / 1000;
    const history = await database.db.selectFrom('event_history').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    log(`${events} demo events with ${history.n} history rows in ${seconds.toFixed(1)} s`);
    report('demo_seed', seconds, 's', 15, false);
  } finally {
    await database.close();
  }
}

const intakeDescription = '压测来电：路边乱停车';

/** Hotline reports at the middles of the demo town's grids (the detail page would show them as possible duplicates). */
function intakeBodies() {
  return [...demoOutlines(demoVillages()).grids.values()].map((geometry, i) => {
    const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0];
    const corners = ring.slice(0, -1);
    const lng = corners.reduce((sum, p) => sum + p[0], 0) / corners.length;
    const lat = corners.reduce((sum, p) => sum + p[1], 0) / corners.length;
    return JSON.stringify({ source: 'hotline', categoryCode: i % 2 ? 'E0505' : 'E0102', description: intakeDescription, location: { lng, lat }, reporter: { name: '压测', phone: '13800138000' } });
  });
}

function checkClean(result, what) {
  const bad = Object.entries(result.statuses).filter(([status]) => !status.startsWith('2'));
  if (bad.length || result.errors) {
    throw new Error(`${what}: non-2xx or errors: statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors${result.sampleBody ? `; e.g. ${result.sampleBody}` : ''}${result.sampleError ? `; e.g. ${result.sampleError}` : ''}`);
  }
  if (result.ok === 0) throw new Error(`${what}: no successful request in the measured window`);
}

/**
 * On PostgreSQL the database outlives a run: the reports earlier runs took in are cancelled, so every
 * run starts from the same open events (PGlite runs start from a fresh copy of the cached data dir).
 */
async function retireEarlierReports(log) {
  if (databaseMode() !== 'postgres') return;
  const client = new pg.Client({ connectionString: process.env.BENCH_DATABASE_URL });
  await client.connect();
  try {
    const { rowCount } = await client.query(
      "UPDATE event SET state = 'cancelled', phase = NULL, phase_started_at = NULL, phase_deadline = NULL WHERE description = $1 AND phase IS NOT NULL",
      [intakeDescription],
    );
    if (rowCount) log(`cancelled ${rowCount} reports left open by earlier intake runs`);
  } finally {
    await client.end();
  }
}

async function intake(report, server, headers, log) {
  await retireEarlierReports(log);
  const connections = Math.round(num('BENCH_CONNECTIONS', 16, 500));
  const warmupMs = num('BENCH_WARMUP_S', 2, 60) * 1000;
  const durationMs = num('BENCH_DURATION_S', 10, 120) * 1000;
  const url = `${server.baseUrl}/api/events`;
  const bodies = intakeBodies();
  const probe = await httpRequest(url, { method: 'POST', headers, body: bodies[0] });
  if (probe.status !== 201) throw new Error(`POST /api/events: HTTP ${probe.status} ${probe.body.slice(0, 300)}`);

  // runLoad starts its counted window 300 ms + the warm-up from now; the CPU is read over the same window.
  const cpu = measureCpu({ serverPid: server.child.pid, databaseUrl: process.env.BENCH_DATABASE_URL, startInMs: 300 + warmupMs, durationMs });
  const full = await runLoad({ url, method: 'POST', bodies, headers, connections, warmupMs, durationMs });
  checkClean(full, 'intake');
  log(`intake: ${full.ok} events in ${full.seconds.toFixed(2)} s over ${connections} connections; p50 ${full.p50.toFixed(1)} ms, p99 ${full.p99.toFixed(1)} ms`);
  const spent = await cpu;
  const perEvent = (ms) => `${(ms / full.ok).toFixed(2)} ms`;
  log(`intake CPU per event: API process ${perEvent(spent.apiMs)}${spent.databaseMs === undefined ? ' (PGlite inside it)' : `, PostgreSQL backends ${perEvent(spent.databaseMs)}`}; the machine was ${(spent.machineBusy * 100).toFixed(0)} % busy (${os.loadavg()[0].toFixed(1)} load on ${os.cpus().length} cores)`);
  const target = databaseMode() === 'postgres' ? 1000 : 300;
  report('intake', full.rps, 'events/s', target, true);

  const rate = full.rps / 2;
  const half = await runLoad({ url, method: 'POST', bodies, headers, connections: 200, warmupMs, durationMs, rate });
  checkClean(half, 'intake at half rate');
  log(`intake at ${rate.toFixed(0)}/s (open loop): ${half.ok} events; p50 ${half.p50.toFixed(1)} ms, p90 ${half.p90.toFixed(1)} ms, p99 ${half.p99.toFixed(1)} ms, max ${half.max.toFixed(1)} ms`);
  report('intake_p99', half.p99, 'ms', 100, false);
}

async function queuePage(report, server, headers, log) {
  const url = `${server.baseUrl}/api/events?queue=handle&pageSize=20`;
  const probe = await httpRequest(url, { headers });
  if (probe.status !== 200) throw new Error(`GET ${url}: HTTP ${probe.status} ${probe.body.slice(0, 300)}`);
  const page = JSON.parse(probe.body);
  log(`queue page: ${page.items.length} of ${page.total}${page.capped ? '+' : ''} open events waiting for handling`);
  const connections = Math.round(num('BENCH_QUEUE_CONNECTIONS', 1, 100));
  const result = await runLoad({ url, headers, connections, warmupMs: num('BENCH_WARMUP_S', 2, 60) * 1000, durationMs: num('BENCH_DURATION_S', 10, 120) * 1000 });
  checkClean(result, 'queue page');
  log(`queue page over ${connections} connection(s): ${result.ok} pages, ${result.rps.toFixed(0)}/s; p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
  report('queue_page_p95', result.p95, 'ms', 50, false);
}
