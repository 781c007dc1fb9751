// A large event table for benchmarks, generated inside the database (INSERT … SELECT FROM
// generate_series): no row crosses the wire, so a million events take minutes on PGlite, not hours.
// Each event gets its history: a 'report' row, and for the closed ones a 'close' row.
// 98 % are closed; the open 2 % are spread over the work queues with deadlines around now, so
// queue pages read a realistic open set, not an empty one.
//
// prepareEventData(count, log) gives a server data dir holding the demo town and `count` such events.
// On PGlite the generated data dir is cached in .bench/events-<count>/ (rebuilt when the migrations
// change) and copied for each run, so only the first run pays the minutes of generation. On
// PostgreSQL the events are generated into BENCH_DATABASE_URL once (use a throwaway database) and
// later runs reuse them.
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { GridIndex } from '../../server/src/modules/grids/grid-index.ts';
import { openPGlite, openPostgres } from '../../server/src/db/database.ts';
import { migrateToLatest } from '../../server/src/db/migrate.ts';
import { ensureBaseData } from '../../server/src/demo/base-data.ts';
import { demoTown, seedDemoTown } from '../../server/src/demo/demo-town.ts';
import { FieldCipher } from '../../server/src/privacy/field-cipher.ts';
import { databaseMode, makeTempDir, root } from './server.js';

/** The personal-data key of the benchmark databases; servers started on them need `benchServerEnv`. */
export const benchDataKey = Buffer.alloc(32, 'gongzhi-bench-key');
export const benchServerEnv = { GONGZHI_DATA_KEY: benchDataKey.toString('base64') };
/** The registry and demo events at a fiftieth: the benches are about the events generated here. */
export const demoScale = 1 / 50;

const batch = 50_000;
const openStates = ['reported', 'pending_register', 'pending_dispatch', 'pending_sign', 'handling', 'handled', 'checking', 'pending_close'];
const phases = ['accept', 'register', 'dispatch', 'handle', 'handle', 'check', 'check', 'close'];

/** Five points per unit grid, where the grid index places them. */
async function gridPoints(db) {
  const index = await GridIndex.load(db);
  const grids = await db.selectFrom('unit_grid').select(['code', 'min_lng', 'min_lat', 'max_lng', 'max_lat']).orderBy('code').execute();
  const points = { codes: [], lngs: [], lats: [] };
  for (const g of grids) {
    let found = 0;
    for (let i = 1; i < 10 && found < 5; i++) {
      for (let j = 1; j < 10 && found < 5; j++) {
        const lng = g.min_lng + ((g.max_lng - g.min_lng) * i) / 10;
        const lat = g.min_lat + ((g.max_lat - g.min_lat) * j) / 10;
        if (index.locate(lng, lat)?.unitGridCode !== g.code) continue;
        points.codes.push(g.code);
        points.lngs.push(lng);
        points.lats.push(lat);
        found++;
      }
    }
  }
  return points;
}

/**
 * Adds `count` events (and their history) to a migrated database holding the demo town.
 * `onProgress(done)` is called after each batch.
 */
export async function generateEvents(db, { count, townCode, now = Date.now(), onProgress = () => {} }) {
  const points = await gridPoints(db);
  const standards = await db.selectFrom('event_standard as s').select(['s.id', 's.category_code', 's.default_organization_id']).where('s.active', '=', true).orderBy('s.id').execute();
  const categories = standards.map((s) => s.category_code);
  const standardIds = standards.map((s) => s.id);
  const units = standards.map((s) => s.default_organization_id ?? null);
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await db.transaction().execute(async (trx) => {
      const before = Number((await sql`SELECT coalesce(max(id), 0) AS n FROM event`.execute(trx)).rows[0].n);
      await sql`
        INSERT INTO event (code, source, category_code, standard_id, title, description, lng, lat, grid_code, division_code,
          state, phase, phase_started_at, phase_deadline, handling_unit_id, handle_started_at, handle_deadline,
          handle_limit_value, handle_limit_unit, handle_finished_at, dispatch_count, close_type, closed_at, version,
          reported_at, created_at, updated_at)
        SELECT ${townCode} || '-' || to_char(r.at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-B' || lpad(g::text, 7, '0'),
          (ARRAY['grid','patrol','video_ai','public','hotline','iot','superior','inspection','backbone','visitor'])[1 + g % 10],
          (${categories}::text[])[1 + (g * 7) % ${categories.length}],
          (${standardIds}::int[])[1 + (g * 7) % ${categories.length}],
          '基准事件 ' || g, '压测生成的历史事件',
          (${points.lngs}::float8[])[1 + (g * 13) % ${points.codes.length}],
          (${points.lats}::float8[])[1 + (g * 13) % ${points.codes.length}],
          (${points.codes}::text[])[1 + (g * 13) % ${points.codes.length}],
          (${points.codes}::text[])[1 + (g * 13) % ${points.codes.length}],
          CASE WHEN o.open THEN (${openStates}::text[])[1 + o.k] ELSE 'closed' END,
          CASE WHEN o.open THEN (${phases}::text[])[1 + o.k] END,
          CASE WHEN o.open THEN r.at END,
          CASE WHEN o.open THEN r.at + (((g * 37) % 600) - 60) * interval '1 minute' END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN (${units}::int[])[1 + (g * 7) % ${categories.length}] END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN r.at + interval '30 minutes' END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN r.at + interval '2 days' END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN 2 END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN 'work_day' END,
          CASE WHEN NOT o.open THEN r.at + interval '1 day' END,
          CASE WHEN NOT o.open OR o.k >= 3 THEN 1 ELSE 0 END,
          CASE WHEN NOT o.open THEN (CASE WHEN g % 9 = 0 THEN 'overtime' ELSE 'normal' END) END,
          CASE WHEN NOT o.open THEN r.at + interval '1 day 2 hours' END,
          CASE WHEN o.open THEN 1 ELSE 8 END,
          r.at, r.at, r.at
        FROM generate_series(${from}::int, ${to}::int) AS g
        CROSS JOIN LATERAL (SELECT g % 50 = 0 AS open, (g / 50) % 8 AS k) AS o
        -- Closed events reach back about four years; open ones were reported in the last two weeks.
        CROSS JOIN LATERAL (SELECT ${new Date(now).toISOString()}::timestamptz
          - CASE WHEN o.open THEN ((g::bigint * 7919) % 1209600) * interval '1 second' ELSE g * interval '127 seconds' END AS at) AS r`.execute(trx);
      await sql`
        INSERT INTO event_history (event_id, at, actor_type, actor_id, actor_name, action, from_state, to_state, details)
        SELECT e.id, e.reported_at, 'user', NULL::int, '网格员', 'report', NULL::text, 'pending_register', '{}'::jsonb
        FROM event e WHERE e.id > ${before}
        UNION ALL
        SELECT e.id, e.closed_at, 'user', NULL::int, '王指挥', 'close', 'pending_close', 'closed', jsonb_build_object('closeType', e.close_type)
        FROM event e WHERE e.id > ${before} AND e.state = 'closed'`.execute(trx);
    });
    onProgress(to);
  }
}

const migrationNames = () => fs.readdirSync(path.join(root, 'server/src/db/migrations')).filter((f) => f.endsWith('.sql')).sort();

/** A database with the demo town and `count` generated events, ready to serve. */
async function fillDatabase(db, count, log) {
  await migrateToLatest(db);
  await ensureBaseData(db);
  await seedDemoTown(db, { scale: demoScale, cipher: new FieldCipher(benchDataKey) });
  const have = Number((await sql`SELECT count(*) AS n FROM event WHERE code LIKE '%-B%'`.execute(db)).rows[0].n);
  if (have >= count) return;
  const started = performance.now();
  let last = 0;
  await generateEvents(db, {
    count: count - have,
    townCode: demoTown.code,
    onProgress: (done) => {
      if (performance.now() - last > 10_000) {
        last = performance.now();
        log(`  generated ${(have + done).toLocaleString('en')} of ${count.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      }
    },
  });
  log(`generated ${(count - have).toLocaleString('en')} events with history in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  // As autovacuum would after a bulk load (PGlite has none): statistics, and the visibility map that
  // lets index-only scans skip the heap.
  await sql`VACUUM ANALYZE event`.execute(db);
  await sql`VACUUM ANALYZE event_history`.execute(db);
}

async function preparePGlite(count, log) {
  const cache = path.join(root, '.bench', `events-${count}`);
  const marker = path.join(cache, 'ready.json');
  const wanted = JSON.stringify({ count, migrations: migrationNames() });
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== wanted) {
    log(`building the cached data dir ${path.relative(root, cache)} (first run: minutes)`);
    fs.rmSync(cache, { recursive: true, force: true });
    const database = await openPGlite({ dataDir: path.join(cache, 'data') });
    try {
      await fillDatabase(database.db, count, log);
    } finally {
      await database.close();
    }
    fs.writeFileSync(marker, wanted);
  }
  const dir = makeTempDir('gongzhi-bench-events-');
  const copyStarted = performance.now();
  fs.cpSync(path.join(cache, 'data'), path.join(dir, 'data'), { recursive: true });
  log(`copied the cached data dir in ${((performance.now() - copyStarted) / 1000).toFixed(1)} s`);
  return { dir, dataDir: path.join(dir, 'data') };
}

async function preparePostgres(count, log) {
  const database = await openPostgres(process.env.BENCH_DATABASE_URL, 2);
  try {
    await fillDatabase(database.db, count, log);
  } finally {
    await database.close();
  }
  // The server needs a data dir for its files and lock even on PostgreSQL.
  const dir = makeTempDir('gongzhi-bench-events-');
  return { dir, dataDir: path.join(dir, 'data') };
}

/**
 * A data dir (in a temp dir the caller removes with removeTempDir) for a server over the demo town
 * plus `count` generated events: a copy of the PGlite cache, or an empty one beside BENCH_DATABASE_URL.
 */
export function prepareEventData(count, log) {
  return databaseMode() === 'postgres' ? preparePostgres(count, log) : preparePGlite(count, log);
}
