// A large event table for benchmarks, generated inside the database (INSERT … SELECT FROM
// generate_series): no row crosses the wire, so a million events take minutes on PGlite, not hours.
// Each event gets its history as the workflow would have written it: 'report'; once past 立案
// 'register'; once at a unit 'dispatch' (every 17th closed one first went to a wrong unit and came
// back: 'dispatch', 'return', 'dispatch'); once handled 'submit'; for the closed ones 'close'.
// 98 % are closed; the open 2 % are spread over the work queues with deadlines around now, so
// queue pages read a realistic open set, not an empty one.
//
// prepareEventData() gives a data dir holding the demo town and these events. On PGlite it is cached
// in .bench/events-<count>/ (rebuilt when the migrations or this generator change) and copied for each
// run, so only the first run pays the minutes of generation. On PostgreSQL the events are generated
// into BENCH_DATABASE_URL once (use a throwaway database) and later runs reuse them.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
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

/** The data key of every bench database; servers started on them need `benchServerEnv`. */
export const benchDataKey = Buffer.alloc(32, 'gongzhi-bench-key');
export const benchServerEnv = { GONGZHI_DATA_KEY: benchDataKey.toString('base64') };
/** The registry and demo events at a fiftieth: the benches are about the events generated here. */
export const benchDemoScale = 1 / 50;
/** Bumped when the generated rows change, so cached data dirs are rebuilt. */
const generatorVersion = 2;

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
  // The unit a wrongly dispatched event went to first (it may happen to be the right one: then it is not wrong).
  const unitPool = [...new Set(units.filter((u) => u !== null))];
  const wrongUnit = sql`(${unitPool}::int[])[1 + (e.id % ${unitPool.length})::int]`;
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await db.transaction().execute(async (trx) => {
      const before = Number((await sql`SELECT coalesce(max(id), 0) AS n FROM event`.execute(trx)).rows[0].n);
      await sql`
        INSERT INTO event (code, source, category_code, standard_id, title, description, lng, lat, grid_code, division_code,
          state, phase, phase_started_at, phase_deadline, handling_unit_id, handle_started_at, handle_deadline,
          handle_limit_value, handle_limit_unit, handle_finished_at, handle_timed_out, dispatch_count, return_count, rework_count,
          close_type, closed_at, version,
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
          CASE WHEN NOT o.open OR o.k >= 5 THEN r.at + CASE WHEN o.late THEN interval '3 days' ELSE interval '1 day' END END,
          NOT o.open AND o.late,
          CASE WHEN o.wrong THEN 2 WHEN NOT o.open OR o.k >= 3 THEN 1 ELSE 0 END,
          CASE WHEN o.wrong THEN 1 ELSE 0 END,
          CASE WHEN NOT o.open AND g % 13 = 0 THEN 1 ELSE 0 END,
          CASE WHEN NOT o.open THEN (CASE WHEN o.late THEN 'overtime' ELSE 'normal' END) END,
          CASE WHEN NOT o.open THEN r.at + CASE WHEN o.late THEN interval '3 days 2 hours' ELSE interval '1 day 2 hours' END END,
          CASE WHEN o.open THEN 1 ELSE 8 END,
          r.at, r.at, r.at
        FROM generate_series(${from}::int, ${to}::int) AS g
        CROSS JOIN LATERAL (SELECT g % 50 = 0 AS open, (g / 50) % 8 AS k, g % 9 = 0 AS late, g % 50 <> 0 AND g % 17 = 0 AS wrong) AS o
        -- Closed events reach back about four years; open ones were reported in the last two weeks.
        CROSS JOIN LATERAL (SELECT ${new Date(now).toISOString()}::timestamptz
          - CASE WHEN o.open THEN ((g::bigint * 7919) % 1209600) * interval '1 second' ELSE g * interval '127 seconds' END AS at) AS r`.execute(trx);
      await sql`
        INSERT INTO event_history (event_id, at, actor_type, actor_id, actor_name, action, from_state, to_state, details, organization_id)
        SELECT e.id, e.reported_at, 'user', NULL::int, '网格员', 'report', NULL::text, 'pending_register', '{}'::jsonb, NULL::int
        FROM event e WHERE e.id > ${before}
        UNION ALL
        SELECT e.id, e.reported_at + interval '10 minutes', 'user', NULL::int, '王指挥', 'register', 'pending_register', 'pending_dispatch', '{}'::jsonb, NULL::int
        FROM event e WHERE e.id > ${before} AND e.state NOT IN ('reported', 'pending_register')
        UNION ALL
        SELECT e.id, e.reported_at + interval '15 minutes', 'user', NULL::int, '王指挥', 'dispatch', 'pending_dispatch', 'pending_sign', '{}'::jsonb, ${wrongUnit}
        FROM event e WHERE e.id > ${before} AND e.return_count > 0
        UNION ALL
        SELECT e.id, e.reported_at + interval '20 minutes', 'user', NULL::int, '退回单位', 'return', 'pending_sign', 'pending_dispatch', '{}'::jsonb, ${wrongUnit}
        FROM event e WHERE e.id > ${before} AND e.return_count > 0
        UNION ALL
        SELECT e.id, e.handle_started_at, 'user', NULL::int, '王指挥', 'dispatch', 'pending_dispatch', 'pending_sign', '{}'::jsonb, e.handling_unit_id
        FROM event e WHERE e.id > ${before} AND e.handle_started_at IS NOT NULL
        UNION ALL
        SELECT e.id, e.handle_finished_at, 'user', NULL::int, '处置员', 'submit', 'handling', 'handled', '{}'::jsonb, e.handling_unit_id
        FROM event e WHERE e.id > ${before} AND e.handle_finished_at IS NOT NULL
        UNION ALL
        SELECT e.id, e.closed_at, 'user', NULL::int, '王指挥', 'close', 'pending_close', 'closed', jsonb_build_object('closeType', e.close_type), NULL::int
        FROM event e WHERE e.id > ${before} AND e.state = 'closed'`.execute(trx);
    });
    onProgress(to);
  }
}

/** The migrations by name and content: a changed migration rebuilds the cache like a new one. */
function migrationsFingerprint() {
  const dir = path.join(root, 'server/src/db/migrations');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  return { files, sha256: hash.digest('hex') };
}

/** A database with the demo town and `count` generated events, ready to serve. */
async function fillDatabase(db, count, log) {
  await migrateToLatest(db);
  await ensureBaseData(db);
  await seedDemoTown(db, { scale: benchDemoScale, cipher: new FieldCipher(benchDataKey) });
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
  for (const table of ['event', 'event_history', 'event_stat']) await sql`VACUUM ANALYZE ${sql.table(table)}`.execute(db);
}

async function preparePGlite(count, log) {
  const cache = path.join(root, '.bench', `events-${count}`);
  const marker = path.join(cache, 'ready.json');
  const wanted = JSON.stringify({ count, generatorVersion, migrations: migrationsFingerprint() });
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
 * A data dir for `gongzhi serve` (with `benchServerEnv`) over the demo town and `count` generated
 * events: `{ dir, dataDir }`; the caller removes `dir` (removeTempDir) when done.
 */
export function prepareEventData(count, log) {
  return databaseMode() === 'postgres' ? preparePostgres(count, log) : preparePGlite(count, log);
}
