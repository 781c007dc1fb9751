import { openPGlite } from '/work/main/server/src/db/database.ts';
import { sql } from 'kysely';
const database = await openPGlite({ dataDir: '/work/main/.bench/events-1000000/data' });
const db = database.db;
let t = performance.now();
await sql`CREATE INDEX IF NOT EXISTS event_open_deadline ON event (phase_deadline, id) INCLUDE (state, division_code) WHERE state NOT IN ('closed', 'cancelled')`.execute(db);
console.log('index', performance.now() - t); t = performance.now();
await sql`VACUUM ANALYZE event`.execute(db); await sql`VACUUM ANALYZE event_history`.execute(db);
console.log('vacuum', performance.now() - t);
const q = async (label: string, text: string) => { const t = performance.now(); const r = await sql.raw(`EXPLAIN (ANALYZE, BUFFERS) ${text}`).execute(db); console.log('==', label, (performance.now() - t).toFixed(1), 'ms'); console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n')); };
for (let i = 0; i < 2; i++) {
await q('count', `SELECT count(*) FROM (SELECT 1 FROM event e WHERE e.division_code LIKE '330203103%' AND e.state IN ('pending_sign','handling') LIMIT 10001) t`);
await q('page', `SELECT e.id FROM event e WHERE e.division_code LIKE '330203103%' AND e.state IN ('pending_sign','handling') ORDER BY e.phase_deadline ASC NULLS LAST, e.id LIMIT 20`);
}
await database.close();
