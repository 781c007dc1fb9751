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
const cols = ['event_id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'from_state', 'to_state', 'note', 'organization_id', 'file_ids', 'details'];
const ev = await bulkInsert(database.db, 'event', ['code','source','title','division_code','state','reported_at'], [{code:'x',source:'grid',title:'t',division_code:'330203103',state:'closed',reported_at:new Date()}], ['id']);
const id = ev[0].id;
const rows = Array.from({length: 10000}, (_, i) => ({event_id: id, at: new Date(), actor_type:'user', actor_id: null, actor_name:'王指挥', action:'register', from_state:'a', to_state:'b', note:'', organization_id: null, file_ids: [], details: {organizationId: 5, handleDeadline: new Date().toISOString()}}));
for (const mode of ['json', 'json', 'values']) {
  const t = Date.now();
  if (mode === 'json') await bulkInsert(database.db, 'event_history', cols, rows);
  else for (let k=0;k<rows.length;k+=1000) await database.db.insertInto('event_history').values(rows.slice(k,k+1000).map(r=>({...r, details: JSON.stringify(r.details)})) as any).execute();
  console.log(mode, Date.now() - t);
}
const t = Date.now();
await sql`create temp table x as select * from event_history limit 0`.execute(database.db);
const csv = rows.map(r => [r.event_id, r.at.toISOString(), r.actor_type, '', r.actor_name, r.action, r.from_state, r.to_state, '""', '', '{}', JSON.stringify(r.details).replaceAll('"','""')].map((v,i)=> i===11 ? `"${v}"` : v).join(',')).join('\n');
await database.pglite!.query(`COPY event_history (${cols.join(',')}) FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([csv]) });
console.log('copy', Date.now() - t);
await database.close();
