import { openPGlite } from '/work/main/server/src/db/database.ts';
import { sql } from 'kysely';
const database = await openPGlite({ dataDir: '/tmp/gz/big' });
const r = await sql.raw(`EXPLAIN (ANALYZE, BUFFERS) SELECT e.id, e.code, e.state, e.title, e.reported_at, sqrt(power((e.lng - 121.45) * 96000, 2) + power((e.lat - 29.85) * 111320, 2)) AS distance FROM event e WHERE e.category_code = 'E0505' AND e.phase IS NOT NULL AND e.reported_at >= now() - interval '24 hours' AND e.reported_at <= now() + interval '24 hours' AND e.lng >= 121.449 AND e.lng <= 121.451 AND e.lat >= 29.849 AND e.lat <= 29.851 AND e.id <> 1 ORDER BY e.reported_at LIMIT 20`).execute(database.db);
console.log(r.rows.map((x: any) => x['QUERY PLAN']).join('\n'));
await database.close();
