// Starting and stopping real `gongzhi serve` processes for benchmarks, on 127.0.0.1 only.
// Every child and temp dir made here is tracked, so bin/bench.js can clean up even after an error.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { httpRequest } from './http.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'bin/gongzhi.js');

const liveServers = new Set();
const tempDirs = new Set();
const helperChildren = new Set();

/** Registers another child process (e.g. a load generator) to be SIGKILLed if the bench dies. */
export function trackChild(child) {
  helperChildren.add(child);
  child.once('exit', () => helperChildren.delete(child));
  return child;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh temp dir, removed by cleanupAll() if the caller does not remove it first. */
export function makeTempDir(prefix = 'gongzhi-bench-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The database the benchmarked servers use: embedded PGlite unless BENCH_DATABASE_URL is set. */
export function databaseMode() {
  return process.env.BENCH_DATABASE_URL ? 'postgres' : 'pglite';
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no server log)';
  }
}

/**
 * Spawns `node bin/gongzhi.js serve [--demo]` on a free 127.0.0.1 port with its own data dir.
 * Output goes to <dataDir>/../server-<n>.log (so a full pipe never blocks the server).
 * Returns { child, port, baseUrl, dataDir, logFile, spawnedAt, exited }.
 */
let serial = 0;
export async function spawnServer({ dataDir, demo = false, env = {} }) {
  const port = await freePort();
  const logFile = path.join(path.dirname(dataDir), `server-${path.basename(dataDir)}-${++serial}.log`);
  const logFd = fs.openSync(logFile, 'w');
  const childEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    GONGZHI_DATA_DIR: dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    ...env,
  };
  delete childEnv.DATABASE_URL;
  if (process.env.BENCH_DATABASE_URL) childEnv.DATABASE_URL = process.env.BENCH_DATABASE_URL;
  // BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' profiles the server under load.
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...nodeArgs, cli, 'serve', ...(demo ? ['--demo'] : [])];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env: childEnv, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const server = { child, port, baseUrl: `http://127.0.0.1:${port}`, dataDir, logFile, spawnedAt, exitCode: undefined, signal: undefined };
  server.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      server.exitCode = code;
      server.signal = signal;
      liveServers.delete(server);
      resolve({ code, signal });
    });
  });
  child.once('error', () => {}); // reported through 'exit' / the health wait
  liveServers.add(server);
  return server;
}

/**
 * Polls GET /api/health every `intervalMs` until a 200; returns the seconds since spawn.
 * Throws (with the server's log tail) if the process exits first or `timeoutMs` passes.
 */
export async function waitHealthy(server, { intervalMs = 20, timeoutMs = 120_000 } = {}) {
  const deadline = server.spawnedAt + timeoutMs;
  for (;;) {
    if (server.exitCode !== undefined || server.signal) {
      throw new Error(`server exited (code ${server.exitCode}, signal ${server.signal}) before it was healthy:\n${tail(server.logFile)}`);
    }
    const attemptAt = performance.now();
    try {
      const res = await httpRequest(`${server.baseUrl}/api/health`, { timeoutMs: 1000 });
      if (res.status === 200) return (performance.now() - server.spawnedAt) / 1000;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`server not healthy after ${timeoutMs} ms:\n${tail(server.logFile)}`);
    const wait = intervalMs - (performance.now() - attemptAt);
    if (wait > 0) await sleep(wait);
  }
}

/** SIGTERM, wait for exit (SIGKILL after `graceMs`); checks the PGlite lock file was released. */
export async function stopServer(server, { graceMs = 15_000 } = {}) {
  if (server.exitCode === undefined && !server.signal) {
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), graceMs);
    const result = await server.exited;
    clearTimeout(timer);
    if (result.signal === 'SIGKILL') throw new Error(`server pid ${server.child.pid} ignored SIGTERM for ${graceMs} ms and was killed:\n${tail(server.logFile)}`);
  }
  const lock = path.join(server.dataDir, 'gongzhi.lock');
  if (databaseMode() === 'pglite' && fs.existsSync(lock)) {
    throw new Error(`server pid ${server.child.pid} exited but left its lock file ${lock}`);
  }
}

/** Starts a server and waits for it to be healthy; kills it again if that fails. */
export async function startServer(options) {
  const server = await spawnServer(options);
  try {
    server.startSeconds = await waitHealthy(server);
    return server;
  } catch (error) {
    await stopServer(server).catch(() => {});
    throw error;
  }
}

/**
 * A data dir that has been through one full start (initdb, migrations, demo seed) and a clean
 * SIGTERM stop, so later starts measure a warm, existing installation.
 */
export async function prepareDataDir() {
  const dir = makeTempDir();
  const dataDir = path.join(dir, 'data');
  const server = await startServer({ dataDir, demo: true });
  await stopServer(server);
  return { dir, dataDir, firstStartSeconds: server.startSeconds };
}

/** Kills every server still running (SIGTERM, then SIGKILL) and removes every temp dir. */
export async function cleanupAll() {
  await Promise.all([...liveServers].map((s) => stopServer(s, { graceMs: 5000 }).catch(() => {})));
  for (const s of liveServers) s.child.kill('SIGKILL');
  for (const child of helperChildren) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last-resort synchronous cleanup for process 'exit' (no awaiting possible there). */
export function cleanupSync() {
  for (const child of helperChildren) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const s of liveServers) {
    try {
      s.child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}
