import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../../../test/test-app.ts';
import { multipart, multipartHeaders } from '../../../../test/fixtures.ts';
import { taxonomyRows } from './seed/base-seed.ts';
import { standardColumns } from './standards-table.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const headers = standardColumns.map((c) => c.headers[0]!);

async function workbook(rows: (string | number)[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('立结案标准');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function sheetRows(bytes: Buffer): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('event categories and 立结案标准', () => {
  let t: TestApp;
  let admin: Session;
  const count = async (table: 'event_standard' | 'event_category') => (await t.app.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
  const importFile = (session: Session, bytes: Buffer, contentType = xlsxType) =>
    t.as(session, { method: 'POST', url: '/api/event-config/standards/import', payload: multipart('标准.xlsx', bytes, contentType), headers: multipartHeaders });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  it('seeds every row of taxonomy.csv, the local extensions and at least one 立案条件 per 小类', async () => {
    const categories = await t.app.db.selectFrom('event_category').selectAll().execute();
    const byCode = new Map(categories.map((c) => [c.code, c]));
    const csv = taxonomyRows();
    expect(csv).toHaveLength(97);
    for (const row of csv) {
      const code = `${row.kind === '部件' ? 'C' : 'E'}${row.major_code}${row.minor_code}`;
      expect(byCode.get(code), code).toMatchObject({ kind: row.kind === '部件' ? 'component' : 'event', major_code: row.major_code, major_name: row.major_name, minor_code: row.minor_code, minor_name: row.minor_name, name_en: row.name_en, is_extension: false });
      expect(row.name_en, code).not.toBe('');
    }
    expect(byCode.get('E0550')).toMatchObject({ minor_name: '占道经营', major_name: '街面秩序', is_extension: true, auto_dispatch: true, reminder_allowed: true });
    expect(byCode.get('E0150')).toMatchObject({ minor_name: '垃圾乱倒', name_en: 'Illegal dumping', is_extension: true });
    // The two IoT extensions come with the device defaults (modules/devices/seed).
    expect(byCode.get('E0451')).toMatchObject({ minor_name: '可燃气体泄漏', is_extension: true, auto_dispatch: true });
    expect(categories).toHaveLength(csv.length + 4);
    const standards = await t.app.db.selectFrom('event_standard').select(['category_code', 'limit_value', 'limit_unit', 'default_organization_id']).where('active', '=', true).execute();
    for (const c of categories) expect(standards.some((s) => s.category_code === c.code), c.code).toBe(true);
    // Published limits (reference §7.3) and the demo town's responsible units.
    expect(standards.find((s) => s.category_code === 'E0102')).toMatchObject({ limit_unit: 'work_hour' });
    expect(Number(standards.find((s) => s.category_code === 'E0102')!.limit_value)).toBe(4);
    expect(standards.every((s) => s.default_organization_id !== null)).toBe(true);
  });

  it('lists and filters categories with their 立案条件 and 大类', async () => {
    const page = (await t.as(admin, { method: 'GET', url: '/api/event-config/categories?kind=event&majorCode=05&pageSize=100' })).json();
    expect(page.items.map((c: { code: string }) => c.code)).toContain('E0550');
    expect(page.items.every((c: { code: string }) => c.code.startsWith('E05'))).toBe(true);
    const parking = page.items.find((c: { code: string }) => c.code === 'E0505');
    expect(parking.standards[0]).toMatchObject({ limitValue: 0.5, limitUnit: 'work_hour', defaultOrganizationName: '古林综合行政执法队', active: true });
    const search = (await t.as(admin, { method: 'GET', url: `/api/event-config/categories?keyword=${encodeURIComponent('井盖')}&pageSize=100` })).json();
    expect(search.total).toBe(12);
    const majors = (await t.as(admin, { method: 'GET', url: '/api/event-config/majors' })).json().items;
    expect(majors).toContainEqual({ kind: 'event', majorCode: '05', majorName: '街面秩序', categories: 15 });
  });

  it('creates local extensions only with new codes in 50–98', async () => {
    const create = (payload: object) => t.as(admin, { method: 'POST', url: '/api/event-config/categories', payload });
    const national = await create({ kind: 'event', majorCode: '05', minorCode: '20', minorName: '新问题' });
    expect(national.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: '/minorCode', code: 'extensionCode' }] });
    const created = await create({ kind: 'event', majorCode: '05', minorCode: '51', minorName: '违规撑伞' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ code: 'E0551', majorName: '街面秩序', isExtension: true, standards: [] });
    expect((await create({ kind: 'event', majorCode: '05', minorCode: '51', minorName: '再来' })).statusCode).toBe(409);
    const wrongMajor = await create({ kind: 'event', majorCode: '05', majorName: '别的名字', minorCode: '52', minorName: 'x' });
    expect(wrongMajor.json().fields).toEqual([{ field: '/majorName', code: 'nameMismatch', message: expect.stringContaining('街面秩序') }]);
    expect((await create({ kind: 'event', majorCode: '21', minorCode: '50', minorName: '服务事项' })).json().fields[0]).toMatchObject({ field: '/majorName', code: 'required' });
    expect((await create({ kind: 'event', majorCode: '21', majorName: '扩展事件', minorCode: '50', minorName: '服务事项' })).statusCode).toBe(201);
  });

  it('renames national codes and whole 大类, and audits the change', async () => {
    const renamed = await t.as(admin, { method: 'PATCH', url: '/api/event-config/categories/C0118', payload: { minorName: '路灯设施', majorName: '公共设施' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ code: 'C0118', minorName: '路灯设施', majorName: '公共设施', isExtension: false });
    const majors = await t.app.db.selectFrom('event_category').select('major_name').distinct().where('kind', '=', 'component').where('major_code', '=', '01').execute();
    expect(majors).toEqual([{ major_name: '公共设施' }]);
    const record = await t.app.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'event_category').where('entity_id', '=', 'C0118').executeTakeFirstOrThrow();
    expect(record.changes).toMatchObject({ minor_name: { from: '路灯', to: '路灯设施' }, major_name: { from: '公用设施', to: '公共设施' }, _details: { majorRenamedCategories: 26 } });
    expect((await t.as(admin, { method: 'PATCH', url: '/api/event-config/categories/C0199', payload: { active: false } })).statusCode).toBe(404);
    expect((await t.as(admin, { method: 'PATCH', url: '/api/event-config/categories/E0512', payload: { active: false } })).json().active).toBe(false);
    const inactive = (await t.as(admin, { method: 'GET', url: '/api/event-config/categories?active=false' })).json();
    expect(inactive.items.map((c: { code: string }) => c.code)).toEqual(['E0512']);
  });

  it('validates 立案条件: whole working days, positive limits, a known organisation in scope, one text per 小类', async () => {
    const enf = (await t.app.db.selectFrom('organization').select('id').where('code', '=', 'GL-ENF').executeTakeFirstOrThrow()).id;
    const base = { categoryCode: 'E0551', registerCondition: '占道撑伞经营', closeCondition: '已收起', limitValue: 2, limitUnit: 'work_hour', defaultOrganizationId: enf };
    const create = (payload: object) => t.as(admin, { method: 'POST', url: '/api/event-config/standards', payload: { ...base, ...payload } });
    expect((await create({ limitValue: 1.5, limitUnit: 'work_day' })).json().fields).toMatchObject([{ field: '/limitValue', code: 'wholeWorkDays' }]);
    expect((await create({ limitValue: 0 })).json().code).toBe('VALIDATION_FAILED');
    expect((await create({ limitValue: 1.255 })).json().fields).toMatchObject([{ field: '/limitValue', code: 'decimals' }]);
    expect((await create({ defaultOrganizationId: 999999 })).json().code).toBe('INVALID_REFERENCE');
    expect((await create({ categoryCode: 'E0598' })).json().code).toBe('INVALID_REFERENCE');
    const created = await create({});
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ limitValue: 2, limitUnit: 'work_hour', defaultOrganizationName: '古林综合行政执法队', active: true });
    expect((await create({})).statusCode).toBe(409);
    const second = (await create({ registerCondition: '夜间占道撑伞经营', limitValue: 1, limitUnit: 'work_day' })).json();
    expect(await t.app.eventConfig.standardFor('E0551')).toMatchObject({ id: created.json().id });

    const deactivated = await t.as(admin, { method: 'PATCH', url: `/api/event-config/standards/${created.json().id}`, payload: { active: false } });
    expect(deactivated.json().active).toBe(false);
    // The next active one becomes the default; the deactivated one still serves events registered under it.
    expect(await t.app.eventConfig.standardFor('E0551')).toMatchObject({ id: second.id });
    expect(await t.app.eventConfig.standardFor('E0551', created.json().id)).toMatchObject({ registerCondition: '占道撑伞经营' });
    const toDays = await t.as(admin, { method: 'PATCH', url: `/api/event-config/standards/${second.id}`, payload: { limitValue: 2.5 } });
    expect(toDays.json().fields).toMatchObject([{ field: '/limitValue', code: 'wholeWorkDays' }]);
    expect((await t.as(admin, { method: 'PATCH', url: `/api/event-config/standards/${second.id}`, payload: { registerCondition: '占道撑伞经营' } })).statusCode).toBe(409);
  });

  it('is read by command center and leaders, changed only by county-level admins', async () => {
    const command = await t.login('command');
    expect((await t.as(command, { method: 'GET', url: '/api/event-config/categories' })).statusCode).toBe(200);
    expect((await t.as(command, { method: 'GET', url: '/api/event-config/standards/export' })).statusCode).toBe(200);
    expect((await t.as(command, { method: 'PATCH', url: '/api/event-config/categories/E0505', payload: { minorName: 'x' } })).statusCode).toBe(403);
    expect((await importFile(command, await workbook([]))).statusCode).toBe(403);
    const leader = await t.login('leader');
    expect((await t.as(leader, { method: 'GET', url: '/api/event-config/standards/export' })).statusCode).toBe(200);
    // Even with every permission, a town-level administrator cannot change the deployment-wide catalogue.
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'town_admin', displayName: '镇管理员', password: 'Town-Admin-2026', divisionCode: '330203103', organizationId: null, roles: ['admin'] } });
    const townAdmin = await t.login('town_admin', 'Town-Admin-2026');
    const refused = await t.as(townAdmin, { method: 'PATCH', url: '/api/event-config/categories/E0505', payload: { minorName: 'x' } });
    expect(refused.statusCode).toBe(403);
    expect((await importFile(townAdmin, await workbook([]))).statusCode).toBe(403);
  });

  it('exports the 立结案标准 table that imports back unchanged, twice, without duplicates', async () => {
    const exported = await t.as(admin, { method: 'GET', url: '/api/event-config/standards/export' });
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const bytes = exported.rawPayload;
    const rows = await sheetRows(bytes);
    expect(rows[0]).toEqual(headers);
    expect(rows).toContainEqual(['事件', '05', '街面秩序', '05', '机动车乱停放', '机动车违反规定停放，影响通行', '车辆已驶离或依法处理', 0.5, '工作时', '古林综合行政执法队']);
    const standardsBefore = await count('event_standard');
    const active = (await t.app.db.selectFrom('event_standard').select(sql<number>`count(*)::int`.as('n')).where('active', '=', true).executeTakeFirstOrThrow()).n;
    expect(rows.length - 1).toBe(active);
    for (let i = 0; i < 2; i++) {
      const response = await importFile(admin, bytes);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ rows: active, categoriesCreated: 0, categoriesRenamed: 0, standardsCreated: 0, standardsUpdated: 0, standardsUnchanged: active });
    }
    expect(await count('event_standard')).toBe(standardsBefore);
  });

  it('imports changes, new conditions and new extensions, audited once with the counts', async () => {
    const auditBefore = await t.app.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const bytes = await workbook([
      ['事件', '05', '街面秩序', '05', '机动车违停', '机动车违反规定停放，影响通行', '车辆已驶离或依法处理', 1, '工作时', '执法一中队'],
      ['事件', '05', '街面秩序', '05', '机动车违停', '占用消防通道停放', '车辆已移走', 0.5, '紧急工作时', 'GL-ENF-2'],
      ['事件', 5, '街面秩序', 60, '门前三包不落实', '门前脏乱', '已整改', 1, '工作日', ''],
    ]);
    const response = await importFile(admin, bytes);
    expect(response.json()).toEqual({ rows: 3, categoriesCreated: 1, categoriesRenamed: 1, standardsCreated: 2, standardsUpdated: 1, standardsUnchanged: 0 });
    const parking = await t.app.eventConfig.standardFor('E0505');
    expect(parking).toMatchObject({ limitValue: 1, limitUnit: 'work_hour' });
    expect(await t.app.db.selectFrom('event_category').select(['minor_name', 'is_extension']).where('code', '=', 'E0560').executeTakeFirst()).toEqual({ minor_name: '门前三包不落实', is_extension: true });
    const records = await t.app.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).execute();
    const auditAfter = await t.app.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(auditAfter.n - auditBefore.n).toBe(1);
    expect(records[0]).toMatchObject({ action: 'event:category:import', entity_type: 'event_standard', changes: { _details: { rows: 3, standardsCreated: 2, standardsUpdated: 1 } } });
  });

  it('rejects a file with bad rows as a whole and reports each one by row and column', async () => {
    const standards = await count('event_standard');
    const categories = await count('event_category');
    const bytes = await workbook([
      ['事件', '05', '街面秩序', '10', '露天烧烤', '夜市露天烧烤', '已停止', 1, '工作时', ''],
      ['设施', '05', '街面秩序', '10', '露天烧烤', '条件二', '已停止', 1, '小时', ''],
      ['事件', '05', '街面秩序', '30', '无此小类', '条件三', '已处理', 1, '工作日', '不存在的单位'],
      ['事件', '05', '街面秩序', '10', '露天烧烤', '夜市露天烧烤', '已停止', -1, '工作时', ''],
      ['事件', '05', '街面秩序', '10', '露天烧烤', '条件六', '已停止', 1.5, '工作日', ''],
    ]);
    const response = await importFile(admin, bytes);
    expect(response.statusCode).toBe(400);
    const problem = response.json();
    expect(problem.code).toBe('TABLE_IMPORT_INVALID');
    expect(problem.detail).toContain('6 处错误');
    expect(problem.fields.map((f: { field: string; code: string }) => `${f.field} ${f.code}`)).toEqual([
      '/rows/3/kind enum',
      '/rows/3/limitUnit enum',
      '/rows/4/organization unknownOrganization',
      '/rows/4/minorCode extensionCode',
      '/rows/5/limitValue positive',
      '/rows/6/limitValue wholeWorkDays',
    ]);
    expect(problem.fields[0].message).toContain('部件');
    expect(await count('event_standard')).toBe(standards);
    expect(await count('event_category')).toBe(categories);
    const missing = await importFile(admin, Buffer.from('类型,大类代码\n事件,05\n'), 'text/csv');
    expect(missing.json().fields[0]).toMatchObject({ field: '/rows/1', code: 'missingColumn' });
    expect((await importFile(admin, Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).json().code).toBe('TABLE_IMPORT_UNREADABLE');
  });

  it('serves a template with the table headers and instructions', async () => {
    const response = await t.as(admin, { method: 'GET', url: '/api/event-config/standards/template' });
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('立结案标准模板.xlsx'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    expect((book.worksheets[0]!.getRow(1).values as unknown[]).slice(1)).toEqual(headers);
    expect(book.worksheets[1]!.name).toBe('填写说明');
  });
});
