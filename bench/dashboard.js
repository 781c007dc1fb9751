// Area `dashboard`: the command-room dashboard (大屏) on the demo town, over HTTP against a real `gongzhi serve`.
//
//   dashboard.snapshot_p95   GET /api/dashboard/330203103 (the whole town, 30-day rankings and heatmap, the
//                            16,500 demo events of a year) as the command center, one screen asking again
//                            and again (sequential, after a warm-up); 95th percentile; target 200 ms
//   dashboard.feed_p95       GET /api/dashboard/330203103/feed (the newest 20, what the live feed reloads
//                            after each report); target 50 ms
//
// Env knobs: BENCH_DATABASE_URL (PostgreSQL instead of embedded PGlite; use a throwaway database),
// BENCH_DASHBOARD_REQUESTS (60).
import { performance } from 'node:perf_hooks';
import { databaseMode, prepareDataDir, removeTempDir, startServer, stopServer } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';
import { median, percentile } from './lib/stats.js';

const town = '330203103';

export async function run(report, { wants, log }) {
  const requests = Number(process.env.BENCH_DASHBOARD_REQUESTS ?? 60);
  log(`database: ${databaseMode()}`);
  const prepared = await prepareDataDir();
  log(`data dir prepared (first start with initdb/migrate/seed: ${prepared.firstStartSeconds.toFixed(2)} s)`);
  try {
    const server = await startServer({ dataDir: prepared.dataDir });
    try {
      const session = await login(server.baseUrl, { username: 'command', password: 'Gongzhi@2026' });
      const get = (path) => timed(`${server.baseUrl}${path}`, { cookie: session.cookie });
      if (wants('snapshot')) {
        const times = await repeat(() => get(`/api/dashboard/${town}`), requests);
        log(`snapshot: median ${median(times).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms over ${requests}`);
        report('snapshot_p95', percentile(times, 0.95), 'ms', 200, false);
      }
      if (wants('feed')) {
        const times = await repeat(() => get(`/api/dashboard/${town}/feed`), requests);
        log(`feed: median ${median(times).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms over ${requests}`);
        report('feed_p95', percentile(times, 0.95), 'ms', 50, false);
      }
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(prepared.dir);
  }
}

async function timed(url, headers) {
  const started = performance.now();
  const res = await httpRequest(url, { headers });
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  return performance.now() - started;
}

/** A few warm-up calls (caches, JIT, the planner), then `count` sequential timings. */
async function repeat(call, count) {
  for (let i = 0; i < 5; i++) await call();
  const times = [];
  for (let i = 0; i < count; i++) times.push(await call());
  return times;
}
