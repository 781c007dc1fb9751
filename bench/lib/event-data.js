// A large event table for benchmarks, generated inside the database (INSERT … SELECT FROM
// generate_series): no row crosses the wire, so a million events take minutes on PGlite, not hours.
// Each event gets its history: a 'report' row, and for the closed ones a 'close' row.
// 98 % are closed; the open 2 % are spread over the work queues with deadlines around now, so
// queue pages read a realistic open set, not an empty one.
import { sql } from 'kysely';
import { GridIndex } from '../../server/src/modules/grids/grid-index.ts';

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
