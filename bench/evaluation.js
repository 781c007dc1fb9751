// Area `evaluation`: 综合评价 over a large history, over HTTP against a real `gongzhi serve`.
//
//   evaluation.month_town   GET /api/evaluation for the last full month, the whole town by village
//                           (every indicator, as the command center sees it), one request at a time;
//                           the median of BENCH_EVALUATION_RUNS (10) after two warm-ups; target 500 ms
//
// The database holds BENCH_EVENTS events (default 1,000,000 over about four years, so a month holds
// some 20,000) with their history and statistics rows: bench/lib/event-data.js builds and caches it.
import { performance } from 'node:perf_hooks';
import { demoPassword } from '../server/src/demo/demo-town.ts';
import { removeTempDir, startServer, stopServer } from './lib/server.js';
import { httpRequest, login } from './lib/http.js';
import { median } from './lib/stats.js';
import { benchServerEnv, prepareEventData } from './lib/event-data.js';

const positive = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${process.env[name]}"`);
  return value;
};

/** The last full month in local (Asia/Shanghai) dates, e.g. 2026-10-01 … 2026-11-01. */
function lastMonth(now = Date.now()) {
  const local = new Date(now + 8 * 3_600_000);
  const first = (year, month) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);
  return { from: first(local.getUTCFullYear(), local.getUTCMonth() - 1), to: first(local.getUTCFullYear(), local.getUTCMonth()) };
}

export async function run(report, { wants, log }) {
  if (!wants('month_town')) return;
  const count = positive('BENCH_EVENTS', 1_000_000);
  const runs = positive('BENCH_EVALUATION_RUNS', 10);
  const prepared = await prepareEventData(count, log);
  try {
    const server = await startServer({ dataDir: prepared.dataDir, env: benchServerEnv });
    try {
      const session = await login(server.baseUrl, { username: 'command', password: demoPassword });
      const { from, to } = lastMonth();
      const url = `${server.baseUrl}/api/evaluation?from=${from}&to=${to}&object=area`;
      const times = [];
      let table;
      for (let i = 0; i < runs + 2; i++) {
        const started = performance.now();
        const response = await httpRequest(url, { headers: { cookie: session.cookie }, timeoutMs: 60_000 });
        const ms = performance.now() - started;
        if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status} ${response.body.slice(0, 300)}`);
        if (i >= 2) times.push(ms);
        table = JSON.parse(response.body);
      }
      log(`${from} … ${to}: ${table.total.reports.toLocaleString('en')} reports, ${table.total.closed.toLocaleString('en')} closed, ${table.rows.length} rows; ${times.map((t) => t.toFixed(0)).join(' ')} ms`);
      if (table.total.reports < count / 100) throw new Error(`the month holds only ${table.total.reports} reports: the generated history does not cover it`);
      report('month_town', median(times), 'ms', 500, false);
    } finally {
      await stopServer(server);
    }
  } finally {
    removeTempDir(prepared.dir);
  }
}
