// Area `platform`: how fast the server starts and how many simple authenticated reads it serves.
//
//   platform.cold_start      median of 3 starts of `gongzhi serve` on an existing data dir, spawn to
//                            first 200 from /api/health (polled every 20 ms); target 5 s
//   platform.api_reads       GET /api/auth/me as admin over 50 keep-alive connections from a separate
//                            load-generator process, 2 s warm-up then 10 s counted; target 3000 req/s
//   platform.api_reads_p99   99th percentile latency of those requests; target 50 ms
//
// Env knobs: BENCH_DATABASE_URL (PostgreSQL instead of embedded PGlite; use a throwaway database),
// BENCH_DURATION_S (10), BENCH_WARMUP_S (2), BENCH_CONNECTIONS (50), BENCH_LOAD_PROCESSES (1),
// BENCH_LOG_LEVEL (server LOG_LEVEL, default warn).
import { databaseMode, prepareDataDir, removeTempDir, startServer, spawnServer, stopServer, waitHealthy } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';
import { runLoad } from './lib/loadgen.js';
import { median } from './lib/stats.js';

const num = (name, fallback, max) => {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new Error(`${name} must be a number in (0, ${max}], got "${raw}"`);
  return value;
};

export async function run(report, { wants, log }) {
  log(`database: ${databaseMode()}`);
  const prepared = await prepareDataDir();
  log(`data dir prepared (first start with initdb/migrate/seed: ${prepared.firstStartSeconds.toFixed(2)} s)`);
  try {
    if (wants('cold_start')) await coldStart(report, prepared.dataDir, log);
    if (wants('api_reads')) await apiReads(report, prepared.dataDir, log);
  } finally {
    removeTempDir(prepared.dir);
  }
}

async function coldStart(report, dataDir, log) {
  const runs = [];
  for (let i = 0; i < 3; i++) {
    const server = await spawnServer({ dataDir });
    try {
      runs.push(await waitHealthy(server, { intervalMs: 20, timeoutMs: 60_000 }));
    } finally {
      await stopServer(server); // SIGTERM, wait for exit, lock file released
    }
  }
  log(`cold starts: ${runs.map((s) => s.toFixed(3)).join(', ')} s`);
  report('cold_start', median(runs), 's', 5, false);
}

async function apiReads(report, dataDir, log) {
  const connections = Math.round(num('BENCH_CONNECTIONS', 50, 500));
  const processes = Math.round(num('BENCH_LOAD_PROCESSES', 1, 2));
  const warmupMs = num('BENCH_WARMUP_S', 2, 60) * 1000;
  const durationMs = num('BENCH_DURATION_S', 10, 120) * 1000;
  const server = await startServer({ dataDir, demo: true });
  try {
    const { cookie } = await login(server.baseUrl);
    const url = `${server.baseUrl}/api/auth/me`;
    const probe = await httpRequest(url, { headers: { cookie } });
    if (probe.status !== 200) throw new Error(`GET /api/auth/me with the admin session: HTTP ${probe.status} ${probe.body.slice(0, 300)}`);
    log(`load: ${connections} connections from ${processes} process(es), ${warmupMs / 1000} s warm-up + ${durationMs / 1000} s`);
    const result = await runLoad({ url, headers: { cookie }, connections, processes, warmupMs, durationMs });
    log(
      `${result.ok} OK in ${result.seconds.toFixed(2)} s; p50 ${result.p50.toFixed(2)} ms, p90 ${result.p90.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, max ${result.max.toFixed(1)} ms; ` +
        `statuses ${JSON.stringify(result.statuses)}; sockets opened ${result.newSockets}`,
    );
    const bad = Object.entries(result.statuses).filter(([status]) => status !== '200');
    if (bad.length || result.errors) {
      throw new Error(
        `non-200 responses or errors under load: statuses ${JSON.stringify(result.statuses)}, ${result.errors} errors` +
          (result.sampleBody ? `; e.g. ${result.sampleBody}` : '') +
          (result.sampleError ? `; e.g. ${result.sampleError}` : ''),
      );
    }
    if (result.ok === 0) throw new Error('no successful request in the measured window');
    report('api_reads', result.rps, 'req/s', 3000, true);
    report('api_reads_p99', result.p99, 'ms', 50, false);
  } finally {
    await stopServer(server);
  }
}
