// CPU time spent by the processes under test during a measured window, read from /proc (Linux).
// On a busy machine a rate says little (the server got whatever share of the cores was left); CPU
// milliseconds per request say what a request costs, and which process spends them.
import fs from 'node:fs';
import pg from 'pg';

const tickMs = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process in ms; undefined when it is gone or not ours to read. */
function processCpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * tickMs;
  } catch {
    return undefined;
  }
}

/** Busy and total ms of all cores together, from /proc/stat. */
function machineCpuMs() {
  const [, ...values] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const ticks = values.map(Number);
  const idle = ticks[3] + ticks[4];
  const total = ticks.reduce((sum, t) => sum + t, 0);
  return { busy: (total - idle) * tickMs, total: total * tickMs };
}

/** The PostgreSQL backends serving `url`'s database (a local server only: their /proc entries are read). */
async function backendPids(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

/**
 * CPU ms of the API server process and, with `databaseUrl`, of the database backends serving it,
 * between `startInMs` and `startInMs + durationMs` from now; also the whole machine's busy share.
 * Backends that connect during the window count from their start.
 */
export async function measureCpu({ serverPid, databaseUrl, startInMs, durationMs }) {
  const sample = async () => {
    const pids = databaseUrl ? await backendPids(databaseUrl) : [];
    return { api: processCpuMs(serverPid) ?? 0, database: new Map(pids.map((pid) => [pid, processCpuMs(pid) ?? 0])), machine: machineCpuMs() };
  };
  await new Promise((resolve) => setTimeout(resolve, startInMs));
  const start = await sample();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  const end = await sample();
  let database = 0;
  for (const [pid, ms] of end.database) database += ms - (start.database.get(pid) ?? 0);
  const machineBusy = (end.machine.busy - start.machine.busy) / (end.machine.total - start.machine.total);
  return { apiMs: end.api - start.api, databaseMs: databaseUrl ? database : undefined, machineBusy };
}
