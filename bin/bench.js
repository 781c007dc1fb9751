#!/usr/bin/env node
// Benchmarks: `node bin/bench.js [area[.metric] ...]` (npm run bench -- platform).
//
// Every file bench/<area>.js (or .ts) is an area exporting `async function run(report, ctx)`.
// report(name, value, unit, target, higherIsBetter) prints one line on stdout:
//   BENCH <area>.<name> <value> <unit> target <target> ratio <r>
// with r = value/target when higher is better, target/value otherwise (r >= 1: target met).
// Progress and diagnostics go to stderr, so stdout holds only BENCH lines.
// ctx.wants(name) tells an area whether a measurement was asked for (`platform.api_reads` runs only
// that one); ctx.log(...) writes progress to stderr.
// Exit code: 0 when every area ran (met targets or not), 1 when an area failed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';
import { cleanupAll, cleanupSync } from '../bench/lib/server.js';

register(); // areas may be TypeScript and may import server/src/**.ts directly

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bench');

function discoverAreas() {
  const areas = new Map();
  for (const file of fs.readdirSync(benchDir).sort()) {
    const match = /^([a-z][a-z0-9_-]*)\.(js|ts)$/.exec(file);
    if (match && fs.statSync(path.join(benchDir, file)).isFile()) areas.set(match[1], path.join(benchDir, file));
  }
  return areas;
}

function round(value) {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return String(Math.round(value));
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatLine(area, name, value, unit, target, higherIsBetter = false) {
  const ratio = higherIsBetter ? value / target : target / value;
  return `BENCH ${area}.${name} ${round(value)} ${unit} target ${target} ratio ${Number.isFinite(ratio) ? ratio.toFixed(2) : String(ratio)}`;
}

async function main(argv) {
  const areas = discoverAreas();
  // selection: area -> Set of metric names ("*" = every metric of the area)
  const selected = new Map();
  for (const arg of argv) {
    const [area, metric] = arg.split(/\.(.*)/s);
    if (!areas.has(area)) {
      console.error(`Unknown bench area "${area}". Areas: ${[...areas.keys()].join(', ') || '(none)'}`);
      return 2;
    }
    const metrics = selected.get(area) ?? new Set();
    if (metric) metrics.add(metric);
    else metrics.add('*');
    selected.set(area, metrics);
  }
  const toRun = argv.length ? [...selected.keys()] : [...areas.keys()];

  let failed = 0;
  for (const area of toRun) {
    const metrics = selected.get(area);
    // `platform.api_reads_p99` selects the measurement `api_reads` too (a metric and its variants).
    const wants = (name) => !metrics || metrics.has('*') || [...metrics].some((m) => m === name || m.startsWith(`${name}_`));
    const report = (name, value, unit, target, higherIsBetter = false) => {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${area}.${name}: value ${value} is not a finite number`);
      console.log(formatLine(area, name, value, unit, target, higherIsBetter));
    };
    const started = Date.now();
    const load = os.loadavg()[0];
    const cores = os.availableParallelism();
    console.error(`== bench ${area} (load average ${load.toFixed(2)} on ${cores} cores)`);
    if (load > cores * 0.5) console.error(`   WARNING: the machine is busy (load ${load.toFixed(2)}): numbers will be low and noisy`);
    try {
      const mod = await import(pathToFileURL(areas.get(area)).href);
      if (typeof mod.run !== 'function') throw new Error(`bench/${path.basename(areas.get(area))} exports no run(report)`);
      await mod.run(report, { area, wants, log: (...args) => console.error(`   [${area}]`, ...args) });
      console.error(`== bench ${area} done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } catch (error) {
      failed++;
      console.log(`BENCH ${area} FAILED ${String(error?.message ?? error).split('\n').filter(Boolean).slice(0, 3).join(' | ').slice(0, 300)}`);
      console.error(error);
    } finally {
      await cleanupAll();
    }
  }
  return failed ? 1 : 0;
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    console.error(`bench: ${signal}, stopping servers`);
    await cleanupAll();
    process.exit(130);
  });
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanupAll();
}
