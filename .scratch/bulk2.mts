import { openPGlite } from '/work/main/server/src/db/database.ts';
import { migrateToLatest } from '/work/main/server/src/db/migrate.ts';
import { ensureBaseData } from '/work/main/server/src/demo/base-data.ts';
import { seedDemoTown } from '/work/main/server/src/demo/demo-town.ts';
import { bulkInsert } from '/work/main/server/src/demo/bulk-insert.ts';
import { sql } from 'kysely';
const database = await openPGlite({});
await migrateToLatest(database.db);
await ensureBaseData(database.db);
await seedDemoTown(database.db, { scale: 1 / 50 });
const cols = ['code','source','title','description','division_code','state','reported_at','created_at','updated_at','phase','phase_deadline','phase_started_at','category_code','lng','lat','grid_code','co_unit_ids'];
const mk = (p: string) => Array.from({length: 2000}, (_, i) => ({code:`${p}${i}`,source:'grid',title:'标题标题标题',description:'描述描述描述描述描述', division_code:'33020310320101',state:'closed',reported_at:new Date(), created_at: new Date(), updated_at: new Date(), phase: null, phase_deadline: null, phase_started_at: null, category_code: 'E0102', lng: 121.4, lat: 29.8, grid_code: '33020310320101', co_unit_ids: []}));
for (const [label, ret] of [['ret', ['id','code']], ['noret', undefined]] as const) {
  const t = Date.now();
  await bulkInsert(database.db, 'event', cols, mk(label), ret as any);
  console.log(label, Date.now() - t);
}
await database.db.transaction().execute(async (trx) => { await sql`set local session_replication_role = replica`.execute(trx); const t = Date.now(); await bulkInsert(trx as any, 'event', cols, mk('repl')); console.log('replica', Date.now() - t); });
const idx = await sql`select indexname from pg_indexes where tablename='event'`.execute(database.db);
console.log(idx.rows.length);
const t = Date.now();
await sql`drop index event_co_units`.execute(database.db);
await bulkInsert(database.db, 'event', cols, mk('nogin'));
console.log('no gin', Date.now() - t);
await database.close();
