// Closed-loop HTTP load generator. Runs in its own process (child_process.fork) so that on a
// 2-core machine the client gets a core of its own instead of sharing the server's event loop.
//
// Parent side: `await runLoad({ url, headers, connections, warmupMs, durationMs })`.
// Child side: this same file, started by fork(), receives the config over IPC and answers once.
import http from 'node:http';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { trackChild } from './server.js';

const self = fileURLToPath(import.meta.url);
const BUCKET_MS = 0.01; // latency histogram resolution: 10 µs
const BUCKETS = 1_000_000; // up to 10 s; slower requests land in the last bucket

/**
 * Runs `processes` generator processes splitting `connections` keep-alive connections between
 * them, each hammering `url` for `warmupMs` (not counted) then `durationMs` (counted).
 * `method` and `bodies` (JSON strings, used in turn) make it send writes; a 2xx counts as OK.
 * With `rate` (requests per second, all processes together) the load is an open loop: requests
 * leave on schedule whether or not earlier ones have answered, and latency counts from the
 * scheduled moment, so a slow server cannot hide its queueing.
 * Resolves { ok, seconds, rps, p50, p90, p95, p99, max, statuses, errors, sampleError, sampleBody, newSockets }.
 */
export async function runLoad({ url, headers = {}, connections = 50, warmupMs = 2000, durationMs = 10_000, processes = 1, maxRequests = 5_000_000, method = 'GET', bodies, rate }) {
  processes = Math.max(1, Math.min(processes, connections));
  const startAt = Date.now() + 300; // common wall-clock start so the processes measure the same window
  const parts = await Promise.all(
    Array.from({ length: processes }, (_, i) => {
      const share = Math.floor(connections / processes) + (i < connections % processes ? 1 : 0);
      return runChild({ url, headers, connections: share, warmupMs, durationMs, startAt, maxRequests: Math.ceil(maxRequests / processes), method, bodies, rate: rate && rate / processes });
    }),
  );
  return merge(parts);
}

function runChild(config) {
  return new Promise((resolve, reject) => {
    const child = trackChild(fork(self, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    const limit = config.startAt - Date.now() + config.warmupMs + config.durationMs + 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load generator pid ${child.pid} did not finish within ${limit} ms`));
    }, limit);
    let result;
    child.on('message', (message) => (result = message));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`load generator exited (code ${code}, signal ${signal}) without a result`));
    });
    child.send(config);
  });
}

function merge(parts) {
  const hist = new Map();
  const statuses = {};
  let ok = 0;
  let errors = 0;
  let newSockets = 0;
  let seconds = 0;
  let sampleError;
  let sampleBody;
  for (const p of parts) {
    ok += p.ok;
    errors += p.errors;
    newSockets += p.newSockets;
    seconds = Math.max(seconds, p.seconds);
    sampleError ??= p.sampleError;
    sampleBody ??= p.sampleBody;
    for (const [status, n] of Object.entries(p.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
    for (const [bucket, n] of p.hist) hist.set(bucket, (hist.get(bucket) ?? 0) + n);
  }
  const sorted = [...hist.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  const quantile = (q) => {
    if (total === 0) return NaN;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (const [bucket, n] of sorted) {
      seen += n;
      if (seen >= rank) return (bucket + 1) * BUCKET_MS; // upper edge of the bucket
    }
    return (sorted.at(-1)[0] + 1) * BUCKET_MS;
  };
  return {
    ok,
    seconds,
    rps: seconds > 0 ? ok / seconds : 0,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p95: quantile(0.95),
    p99: quantile(0.99),
    max: total ? (sorted.at(-1)[0] + 1) * BUCKET_MS : NaN,
    statuses,
    errors,
    sampleError,
    sampleBody,
    newSockets,
  };
}

// ---------------------------------------------------------------- child process side

async function generate({ url, headers, connections, warmupMs, durationMs, startAt, maxRequests, method = 'GET', bodies, rate }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  const target = new URL(url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname)) throw new Error(`refusing to load ${target.hostname}: loopback only`);
  const hist = new Uint32Array(BUCKETS);
  const statuses = {};
  let ok = 0;
  let errors = 0;
  let issued = 0;
  let newSockets = 0;
  let sampleError;
  let sampleBody;

  const delay = startAt - Date.now();
  if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  const t0 = performance.now();
  const measureFrom = t0 + warmupMs;
  const measureTo = measureFrom + durationMs;

  const once = (scheduledAt) =>
    new Promise((resolve) => {
      const started = scheduledAt ?? performance.now();
      const body = bodies ? bodies[issued % bodies.length] : undefined;
      const sent = body === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = http.request({ hostname: target.hostname, port: target.port, path: target.pathname + target.search, method, agent, headers: sent }, (res) => {
        const status = res.statusCode;
        const success = status >= 200 && status < 300;
        if (success) res.resume();
        else {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => (sampleBody ??= `HTTP ${status}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`));
        }
        res.on('end', () => {
          const done = performance.now();
          statuses[status] = (statuses[status] ?? 0) + 1;
          if (done >= measureFrom && done <= measureTo && success) {
            ok++;
            hist[Math.min(BUCKETS - 1, Math.floor((done - started) / BUCKET_MS))]++;
          }
          resolve();
        });
        res.on('error', (error) => {
          errors++;
          sampleError ??= error.message;
          resolve();
        });
      });
      if (!req.reusedSocket) req.once('socket', (s) => s.connecting && newSockets++);
      req.setTimeout(10_000, () => req.destroy(new Error('request timeout after 10 s')));
      req.on('error', (error) => {
        errors++;
        sampleError ??= error.message;
        resolve();
      });
      req.end(body);
    });

  const loop = async () => {
    while (performance.now() < measureTo && issued < maxRequests) {
      issued++;
      await once();
    }
  };
  const openLoop = async () => {
    const interval = 1000 / rate;
    const inFlight = [];
    for (let next = t0; next < measureTo && issued < maxRequests; next += interval) {
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      issued++;
      inFlight.push(once(next));
    }
    await Promise.all(inFlight);
  };
  await (rate ? openLoop() : Promise.all(Array.from({ length: connections }, loop)));
  agent.destroy();
  const sparse = [];
  for (let i = 0; i < BUCKETS; i++) if (hist[i]) sparse.push([i, hist[i]]);
  const seconds = Math.max(0, Math.min(performance.now(), measureTo) - measureFrom) / 1000;
  return { ok, seconds, hist: sparse, statuses, errors, sampleError, sampleBody, newSockets };
}

if (process.argv[1] === self && process.send) {
  process.once('message', async (config) => {
    try {
      process.send(await generate(config), () => process.exit(0));
    } catch (error) {
      console.error(error);
      process.exit(1);
    }
  });
}
