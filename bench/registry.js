// Area `registry`: the base registry on embedded PGlite with the demo town's grids.
//
//   registry.demo_seed        the demo town's full registry (50,000 people, 17,000 households, 9,000 houses,
//                             3,000 enterprises, 150 places, 4,735 devices) seeded in one transaction into an
//                             in-memory PGlite that has the town's grids; target 30 s
//   registry.import_people    POST /api/registry/people/import of an XLSX with 50,000 new people (ID number,
//                             phone, household, relation, residence type, tags, coordinates) through the real
//                             route and service (validation, encryption, grid lookup, one transaction); target 20 s
//   registry.bbox_query_p95   GET /api/registry/people/within?bbox=… returning ~5,000 of the 50,000 as GeoJSON,
//                             30 requests after 5 warm-ups, 95th percentile; target 100 ms
//
// Requests go through app.inject (no socket): the numbers are the server's own work.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { buildApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { openPGlite } from '../server/src/db/database.ts';
import { migrateToLatest } from '../server/src/db/migrate.ts';
import { ensureBaseData } from '../server/src/demo/base-data.ts';
import { demoPassword, demoVillages, seedDemoTown } from '../server/src/demo/demo-town.ts';
import { seedDemoRegistry } from '../server/src/demo/demo-registry.ts';
import { seededRandom } from '../server/src/demo/random.ts';
import { FieldCipher } from '../server/src/privacy/field-cipher.ts';
import { idNumberCheckCharacter } from '../server/src/modules/registry/validators/id-number.ts';
import { percentile } from './lib/stats.js';

const dataKey = Buffer.alloc(32, 'gongzhi-bench-key');
const people = 50_000;

export async function run(report, { wants, log }) {
  if (wants('demo_seed')) await demoSeed(report, log);
  if (wants('import_people') || wants('bbox_query')) await importAndQuery(report, { wants, log });
}

async function freshDatabase() {
  const database = await openPGlite({});
  await migrateToLatest(database.db);
  await ensureBaseData(database.db);
  return database;
}

async function demoSeed(report, log) {
  const database = await freshDatabase();
  try {
    // The town, its grids and accounts with a token registry; then the registry at full scale, timed alone.
    await seedDemoTown(database.db, { scale: 0.0001, cipher: new FieldCipher(dataKey) });
    await sql`TRUNCATE person, household, house, enterprise, key_place, device CASCADE`.execute(database.db);
    const started = performance.now();
    const cpu = process.cpuUsage();
    await database.db.transaction().execute((trx) => seedDemoRegistry(trx, demoVillages(), { scale: 1, cipher: new FieldCipher(dataKey) }));
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
    const count = await database.db.selectFrom('person').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    log(`demo registry seeded with ${count.n} people in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s of CPU: on a busy machine the difference is waiting)`);
    report('demo_seed', seconds, 's', 30, false);
  } finally {
    await database.close();
  }
}

async function importAndQuery(report, { wants, log }) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-bench-registry-'));
  const database = await freshDatabase();
  // The grids of the demo town with a token registry (the import brings the 50,000).
  await seedDemoTown(database.db, { scale: 0.001, cipher: new FieldCipher(dataKey) });
  const config = loadConfig({ dataDir, databaseUrl: undefined, logLevel: 'warn', dataKey: dataKey.toString('base64'), importMaxRows: 200_000, importMaxBytes: 50 * 1024 * 1024 });
  const app = await buildApp({ config, database, logger: false });
  try {
    await app.ready();
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: demoPassword } });
    const cookie = `gz_session=${login.cookies.find((c) => c.name === 'gz_session').value}`;
    const headers = { cookie, 'x-csrf-token': login.json().csrfToken };

    const file = await peopleXlsx(app, log);
    const boundary = 'BENCHBOUNDARY';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.xlsx"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n`),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const started = performance.now();
    const cpu = process.cpuUsage();
    const response = await app.inject({ method: 'POST', url: '/api/registry/people/import', payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } });
    const seconds = (performance.now() - started) / 1000;
    const cpuSeconds = process.cpuUsage(cpu).user / 1e6;
    if (response.statusCode !== 200) throw new Error(`import answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
    const result = response.json();
    if (result.inserted !== people) throw new Error(`import inserted ${result.inserted} of ${people}: ${JSON.stringify(result.errors.slice(0, 3))}`);
    log(`imported ${result.inserted} people (${(file.length / 1024 / 1024).toFixed(1)} MB XLSX) in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s of CPU)`);
    if (wants('import_people')) report('import_people', seconds, 's', 20, false);

    if (wants('bbox_query')) {
      const bbox = await tenthOfPeople(database.db);
      const url = `/api/registry/people/within?bbox=${bbox.join(',')}&limit=20000`;
      const times = [];
      let features = 0;
      for (let i = 0; i < 35; i++) {
        const t0 = performance.now();
        const r = await app.inject({ method: 'GET', url, headers });
        const ms = performance.now() - t0;
        if (r.statusCode !== 200) throw new Error(`bbox query answered ${r.statusCode}: ${r.body.slice(0, 300)}`);
        if (i >= 5) times.push(ms);
        features = r.json().features.length;
      }
      log(`bbox ${bbox.join(',')} → ${features} features; median ${percentile(times, 0.5).toFixed(1)} ms, p95 ${percentile(times, 0.95).toFixed(1)} ms`);
      report('bbox_query_p95', percentile(times, 0.95), 'ms', 100, false);
    }
  } finally {
    await app.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** 50,000 people with valid, unique ID numbers, in ~17,000 households at random points inside the unit grids. */
async function peopleXlsx(app, log) {
  const random = seededRandom(50_000);
  const grids = await app.db.selectFrom('unit_grid').select(['code', 'min_lng', 'min_lat', 'max_lng', 'max_lat']).execute();
  const pointIn = (grid) => {
    for (;;) {
      const lng = grid.min_lng + random.next() * (grid.max_lng - grid.min_lng);
      const lat = grid.min_lat + random.next() * (grid.max_lat - grid.min_lat);
      if (app.grids.locate(lng, lat)?.unitGridCode === grid.code) return [Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
    }
  };
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('人口');
  sheet.addRow(['姓名', '身份证号', '联系电话', '户号', '与户主关系', '居住类型', '特殊人群标签', '经度', '纬度']);
  const relations = ['户主', '配偶', '子女'];
  const tags = ['', '', '', '', '', '', '', '', '独居老人', '残疾人'];
  let household = 0;
  let at = pointIn(random.pick(grids));
  for (let i = 0; i < people; i++) {
    if (i % 3 === 0) {
      household++;
      at = pointIn(random.pick(grids));
    }
    // Birth dates 1940–1999 by person number in a region (鄞州) the demo does not use: unique numbers.
    const birth = `${1940 + (i % 60)}${String(1 + (Math.floor(i / 60) % 12)).padStart(2, '0')}${String(1 + (Math.floor(i / 720) % 28)).padStart(2, '0')}`;
    const first17 = `330212${birth}${String(900 + (Math.floor(i / 20_160) % 100)).padStart(3, '0')}`;
    sheet.addRow([`测试${i}`, first17 + idNumberCheckCharacter(first17), `139${String(i).padStart(8, '0')}`, `BENCH${household}`, relations[i % 3], '户籍', random.pick(tags), at[0], at[1]]);
  }
  const started = performance.now();
  const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
  log(`test file: ${people} rows, ${household} households, written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return bytes;
}

/** A box over the whole town's height and the middle tenth of the people by longitude. */
async function tenthOfPeople(db) {
  const rows = await db.selectFrom('person').select(['lng', 'lat']).orderBy('lng').execute();
  const lats = rows.map((r) => r.lat);
  const from = rows[Math.floor(rows.length * 0.45)].lng;
  const to = rows[Math.floor(rows.length * 0.55)].lng;
  return [from, Math.min(...lats), to, Math.max(...lats)].map((v) => v.toFixed(6));
}
