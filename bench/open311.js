// Area `open311`: the Open311 GeoReport v2 API over HTTP against a real `gongzhi serve`.
//
//   open311.requests_90d_p95   GET /open311/v2/requests.json with no parameters: the default answer:
//                              the last 90 days, newest first, one page of 200 requests with their
//                              status notes; one client paging (1 connection,
//                              BENCH_OPEN311_CONNECTIONS); 95th percentile latency, target 200 ms
//
// The database holds BENCH_EVENTS events (default 1,000,000, about 61,000 of them in the last 90
// days) from bench/lib/event-data.js, cached in .bench/ on PGlite (shared with the `events` area).
// Env knobs: BENCH_EVENTS, BENCH_DATABASE_URL, BENCH_DURATION_S (10), BENCH_WARMUP_S (2),
// BENCH_OPEN311_CONNECTIONS (1).
import { databaseMode, removeTempDir, startServer, stopServer } from './lib/server.js';
import { httpRequest } from './lib/http.js';
import { runLoad } from './lib/loadgen.js';
import { benchServerEnv, prepareEventData } from './lib/event-data.js';

const num = (name, fallback, max) => {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be a number in (0, ${max}], got "${raw}"`);
  return value;
};

export async function run(report, { log }) {
  const count = Math.round(num('BENCH_EVENTS', 1_000_000, 10_000_000));
  log(`database: ${databaseMode()}, ${count.toLocaleString('en')} events`);
  const prepared = await prepareEventData(count, log);
  try {
    const server = await startServer({ dataDir: prepared.dataDir, env: benchServerEnv });
    try {
      await requests90d(report, server, log);
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(prepared.dir);
  }
}

async function requests90d(report, server, log) {
  const url = `${server.baseUrl}/open311/v2/requests.json`;
  const probe = await httpRequest(url);
  if (probe.status !== 200) throw new Error(`GET ${url}: HTTP ${probe.status} ${probe.body.slice(0, 300)}`);
  const page = JSON.parse(probe.body);
  const oldest = page.at(-1)?.requested_datetime;
  log(`requests: ${page.length} in the answer (${(probe.body.length / 1024).toFixed(0)} KiB), newest ${page[0]?.requested_datetime}, oldest ${oldest}`);
  if (page.length === 0) throw new Error('GET requests answered an empty list: the generated events are older than 90 days?');

  const connections = Math.round(num('BENCH_OPEN311_CONNECTIONS', 1, 100));
  const result = await runLoad({ url, connections, warmupMs: num('BENCH_WARMUP_S', 2, 60) * 1000, durationMs: num('BENCH_DURATION_S', 10, 120) * 1000 });
  const bad = Object.entries(result.statuses).filter(([status]) => status !== '200');
  if (bad.length || result.errors || result.ok === 0) throw new Error(`requests: statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors`);
  log(`requests over ${connections} connection(s): ${result.ok} answers, ${result.rps.toFixed(1)}/s; p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`);
  report('requests_90d_p95', result.p95, 'ms', 200, false);
}
