import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { createTestApp, type Session, type TestApp } from '../../../../test/test-app.ts';
import { multipart, multipartHeaders } from '../../../../test/fixtures.ts';
import { creditCode, idNumber, pointIn, readXlsx, villageA, villageB, xlsx } from '../test-support.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const peopleHeaders = ['姓名', '身份证号', '联系电话', '户号', '与户主关系', '居住类型', '特殊人群标签', '经度', '纬度'];

describe('registry import: validation, modes, idempotent re-import, encodings and limits', () => {
  let t: TestApp;
  let village: Session;
  let a1: { lng: number; lat: number };
  let a2: { lng: number; lat: number };
  let b1: { lng: number; lat: number };

  const upload = (session: Session, path: string, bytes: Buffer, options: { name?: string; query?: string; type?: string } = {}) =>
    t.as(session, {
      method: 'POST',
      url: `/api/registry/${path}/import${options.query ? `?${options.query}` : ''}`,
      payload: multipart(options.name ?? 'data.xlsx', bytes, options.type ?? xlsxType),
      headers: multipartHeaders,
    });
  const count = async (table: 'person' | 'household' | 'house' | 'enterprise' | 'device') =>
    (await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
  const goodRows = () => [
    ['陈建国', idNumber(401, '19560301'), '13811112222', 'IMP-1', '户主', '户籍', '独居老人', a1.lng, a1.lat],
    ['陈小红', idNumber(402, '19880710'), '13811113333', 'IMP-1', '子女', '户籍', '', a1.lng, a1.lat],
    ['王流动', idNumber(403, '19950115', '511623'), '13811114444', 'IMP-2', '户主', '流动', '', a2.lng, a2.lat],
  ];

  beforeAll(async () => {
    t = await createTestApp({ importMaxBytes: 200_000, importMaxRows: 50 });
    village = await t.login('village');
    a1 = await pointIn(t.app, villageA, 0);
    a2 = await pointIn(t.app, villageA, 1);
    b1 = await pointIn(t.app, villageB, 0);
  });
  afterAll(() => t.close());

  it('offers an XLSX template with Chinese headers and a notes sheet', async () => {
    const response = await t.as(village, { method: 'GET', url: '/api/registry/people/import-template' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe(xlsxType);
    const [headers] = await readXlsx(response.rawPayload);
    expect(headers).toEqual(['姓名*', '身份证号*', '联系电话', '户号', '与户主关系', '居住类型', '特殊人群标签', '房屋地址', '房间号', '经度', '纬度']);
  });

  it('imports people from XLSX with their households, and a second import of the same file updates instead of duplicating', async () => {
    const people = await count('person');
    const households = await count('household');
    const file = await xlsx(peopleHeaders, goodRows());
    const first = await upload(village, 'people', file);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ mode: 'all-or-nothing', rows: 3, inserted: 3, updated: 0, rejected: 0, errors: [] });
    expect(await count('person')).toBe(people + 3);
    expect(await count('household')).toBe(households + 2);
    const second = await upload(village, 'people', file);
    expect(second.json()).toMatchObject({ rows: 3, inserted: 0, updated: 3, rejected: 0 });
    expect(await count('person')).toBe(people + 3);
    expect(await count('household')).toBe(households + 2);
    const found = (await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${idNumber(401, '19560301')}` })).json().items[0];
    expect(found).toMatchObject({ name: '陈建国', relation: 'head', tags: ['elderly_alone'], householdNo: 'IMP-1', phone: '138****2222' });
    const household = (await t.as(village, { method: 'GET', url: `/api/registry/households/${found.householdId}` })).json();
    expect(household).toMatchObject({ headName: '陈建国', memberCount: 2 });
  });

  it('audits one summary record per import, with counts and no personal data', async () => {
    const records = await t.app.db.selectFrom('audit_log').select(['action', 'entity_id', 'changes']).where('action', '=', 'registry:person:import').execute();
    expect(records).toHaveLength(2);
    expect(records[0]!.changes).toEqual({ _details: { file: 'data.xlsx', mode: 'all-or-nothing', rows: 3, inserted: 3, updated: 0, rejected: 0 } });
    expect(JSON.stringify(records)).not.toContain('1381111');
  });

  it('rejects the whole file by default, reporting every bad row by number, column and reason', async () => {
    const existingElsewhere = idNumber(409, '19700101');
    // A person of village B: village A's import may not take it over.
    const bAdmin = await t.login('v202');
    expect((await t.as(bAdmin, { method: 'POST', url: '/api/registry/people', payload: { name: '乙村', idNumber: existingElsewhere, lng: b1.lng, lat: b1.lat } })).statusCode).toBe(201);
    const people = await count('person');
    const bad = idNumber(404);
    const rows = [
      ['正常人', idNumber(405), '13822223333', '', '', '', '', a1.lng, a1.lat],
      ['校验位错', bad.slice(0, 17) + (bad[17] === '0' ? '1' : '0'), '', '', '', '', '', a1.lng, a1.lat],
      ['电话错', idNumber(407), '1234', '', '', '', '', a1.lng, a1.lat],
      ['镇外', idNumber(411), '', '', '', '', '', 120.1, 30.3],
      ['重复甲', idNumber(413), '', '', '', '', '', a1.lng, a1.lat],
      ['重复乙', idNumber(413), '', '', '', '', '', a1.lng, a1.lat],
      ['外村已有', existingElsewhere, '', '', '', '', '', a1.lng, a1.lat],
      ['越界', idNumber(415), '', '', '', '', '', b1.lng, b1.lat],
      ['', idNumber(417), '', '', '', '未知类型', '不存在的标签', a1.lng, a1.lat],
    ];
    const response = await upload(village, 'people', await xlsx(peopleHeaders, rows));
    expect(response.statusCode).toBe(422);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const body = response.json();
    expect(body).toMatchObject({ code: 'IMPORT_ROWS_REJECTED', rows: 9, inserted: 0, updated: 0, rejected: 7 });
    const errors = body.errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code]);
    expect(errors).toEqual([
      [3, '身份证号', 'ID_NUMBER_CHECK_DIGIT'],
      [4, '联系电话', 'PHONE_FORMAT'],
      [5, '经度', 'OUTSIDE_ALL_GRIDS'],
      [7, '身份证号', 'DUPLICATE_IN_FILE'],
      [8, '身份证号', 'DUPLICATE_IN_DB'],
      [9, '经度', 'LOCATION_OUT_OF_SCOPE'],
      [10, '姓名', 'required'],
      [10, '居住类型', 'enum'],
      [10, '特殊人群标签', 'UNKNOWN_VALUE'],
    ]);
    expect(body.errors[3].message).toBe('与第 6 行重复');
    expect(body.errors[0].message).toBe('身份证号校验位不正确');
    expect(await count('person')).toBe(people);
  });

  it('imports only the valid rows with mode=valid-rows and lists the others', async () => {
    const people = await count('person');
    const bad = idNumber(421);
    const rows = [
      ['有效一', idNumber(419), '', '', '', '', '', a1.lng, a1.lat],
      ['无效', bad.slice(0, 17) + (bad[17] === '0' ? '1' : '0'), '', '', '', '', '', a1.lng, a1.lat],
      ['有效二', idNumber(423), '0574-87650000', '', '', '租住', '', a2.lng, a2.lat],
    ];
    const response = await upload(village, 'people', await xlsx(peopleHeaders, rows), { query: 'mode=valid-rows' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ mode: 'valid-rows', rows: 3, inserted: 2, rejected: 1, errors: [{ row: 3, column: '身份证号', code: 'ID_NUMBER_CHECK_DIGIT' }] });
    expect(await count('person')).toBe(people + 2);
  });

  it('reads CSV saved by Excel as GBK, and UTF-8 with a BOM', async () => {
    const csv = (name: string, id: string) => `姓名,身份证号,经度,纬度\r\n${name},${id},${a1.lng},${a1.lat}\r\n`;
    const gbk = await upload(village, 'people', iconv.encode(csv('欧阳娜', idNumber(431)), 'gbk'), { name: 'gbk.csv', type: 'text/csv' });
    expect(gbk.json()).toMatchObject({ inserted: 1, rejected: 0 });
    expect((await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${idNumber(431)}` })).json().items[0].name).toBe('欧阳娜');
    const bom = await upload(village, 'people', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv('司马光', idNumber(433)))]), { name: 'utf8.csv', type: 'text/csv' });
    expect(bom.json()).toMatchObject({ inserted: 1, rejected: 0 });
    expect((await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${idNumber(433)}` })).json().items[0].name).toBe('司马光');
  });

  it('refuses empty, binary, legacy, oversize and over-long files and missing columns with clear problems', async () => {
    expect((await upload(village, 'people', Buffer.from(''), { name: 'empty.csv', type: 'text/csv' })).json().code).toBe('IMPORT_EMPTY_FILE');
    expect((await upload(village, 'people', Buffer.from('姓名,身份证号\r\n'), { name: 'header-only.csv', type: 'text/csv' })).json().code).toBe('IMPORT_EMPTY_FILE');
    expect((await upload(village, 'people', await xlsx(peopleHeaders, []))).json().code).toBe('IMPORT_EMPTY_FILE');
    expect((await upload(village, 'people', Buffer.from([0x81, 0x20, 0xff, 0xfe, 0x00, 0x41]), { name: 'x.csv', type: 'text/csv' })).json().code).toBe('IMPORT_ENCODING');
    const ole = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(100)]);
    expect((await upload(village, 'people', ole, { name: 'old.xls', type: 'application/vnd.ms-excel' })).json().code).toBe('IMPORT_UNSUPPORTED_FORMAT');
    const big = await upload(village, 'people', Buffer.alloc(250_000, 'a'), { name: 'big.csv', type: 'text/csv' });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'FILE_TOO_LARGE', detail: '文件过大，上限为 0.2 MB' });
    const long = await upload(village, 'people', await xlsx(peopleHeaders, Array.from({ length: 51 }, (_, i) => ['某', idNumber(500 + i), '', '', '', '', '', a1.lng, a1.lat])));
    expect(long.statusCode).toBe(413);
    expect(long.json()).toMatchObject({ code: 'IMPORT_TOO_MANY_ROWS', detail: '数据行过多：一个文件最多 50 行' });
    const missing = await upload(village, 'people', await xlsx(['姓名', '电话'], [['某', '13800000000']]));
    expect(missing.json()).toMatchObject({ code: 'IMPORT_MISSING_COLUMNS', detail: '缺少必需的列：身份证号、经度、纬度' });
  });

  it('maps columns by English names and by an explicit mapping', async () => {
    const file = await xlsx(['Name', '证件号', 'Longitude', 'Latitude', '备注'], [['李映射', idNumber(441), a1.lng, a1.lat, '随便']]);
    const unmapped = await upload(village, 'people', file);
    expect(unmapped.json().code).toBe('IMPORT_MISSING_COLUMNS');
    const mapped = await upload(village, 'people', file, { query: `mapping=${encodeURIComponent(JSON.stringify({ 证件号: 'idNumber', 备注: '' }))}` });
    expect(mapped.json()).toMatchObject({ inserted: 1, ignoredColumns: ['备注'] });
    const wrong = await upload(village, 'people', file, { query: `mapping=${encodeURIComponent(JSON.stringify({ 证件号: 'passport' }))}` });
    expect(wrong.json().code).toBe('IMPORT_MAPPING');
  });

  it('imports every kind: houses, then people by house address; enterprises; devices', async () => {
    const houses = await upload(village, 'houses', await xlsx(['地址', '产权人', '房屋用途', '层数', '经度', '纬度'], [['薛家村导入路8号', '=HYPERLINK("http://x")', '出租', 3, a1.lng, a1.lat]]));
    expect(houses.json()).toMatchObject({ inserted: 1, rejected: 0 });
    const tenants = await upload(village, 'people', await xlsx(['姓名', '身份证号', '房屋地址', '房间号', '居住类型'], [['租客甲', idNumber(451), '薛家村导入路8号', '201', '租住'], ['租客乙', idNumber(453), '不存在的地址', '', '租住']]), { query: 'mode=valid-rows' });
    expect(tenants.json()).toMatchObject({ inserted: 1, rejected: 1, errors: [{ row: 3, column: '房屋地址', code: 'UNKNOWN_REFERENCE' }] });
    const tenant = (await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${idNumber(451)}` })).json().items[0];
    expect(tenant).toMatchObject({ houseAddress: '薛家村导入路8号', room: '201', lng: a1.lng, lat: a1.lat });

    const code = creditCode(77);
    const enterprises = await upload(village, 'enterprises', await xlsx(['企业名称', '统一社会信用代码', '类型', '法定代表人', '联系电话', '地址', '经度', '纬度'], [['宁波导入有限公司', code, '企业', '张导入', '13900001111', '导入路1号', a1.lng, a1.lat], ['坏代码店', '91330203000000011I', '门店', '', '', '导入路2号', a1.lng, a1.lat]]), { query: 'mode=valid-rows' });
    expect(enterprises.json()).toMatchObject({ inserted: 1, rejected: 1, errors: [{ row: 3, column: '统一社会信用代码', code: 'CREDIT_CODE_FORMAT' }] });

    const deviceHeaders = ['设备类型', '设备名称', '国标编码', '设备序列号', '传感器类型', 'AI分析', '状态', '最后在线时间', '经度', '纬度'];
    const deviceRows = [
      ['摄像机', '导入路口', '33020310001320088001', '', '', '是', '在线', '2026-11-26 08:00', a1.lng, a1.lat],
      ['传感器', '导入井盖', '', 'IMP-IOT-1', '井盖', '否', '离线', '', a2.lng, a2.lat],
    ];
    expect((await upload(village, 'devices', await xlsx(deviceHeaders, deviceRows))).json()).toMatchObject({ inserted: 2 });
    expect((await upload(village, 'devices', await xlsx(deviceHeaders, deviceRows))).json()).toMatchObject({ inserted: 0, updated: 2 });
    const camera = (await t.as(village, { method: 'GET', url: '/api/registry/devices?keyword=33020310001320088001' })).json().items[0];
    expect(camera).toMatchObject({ aiEnabled: true, status: 'online', lastSeenAt: '2026-11-26T00:00:00.000Z' });
  });

  it('exports the filtered list with personal data masked and formula-looking text defused', async () => {
    const people = await t.as(village, { method: 'GET', url: '/api/registry/people/export?type=registered&keyword=%E9%99%88' });
    expect(people.statusCode).toBe(200);
    const [header, ...rows] = await readXlsx(people.rawPayload);
    expect(header!.slice(0, 3)).toEqual(['姓名', '身份证号', '联系电话']);
    expect(rows.map((r) => r[0]).sort()).toEqual(['陈小红', '陈建国']);
    const chen = rows.find((r) => r[0] === '陈建国')!;
    expect(chen.slice(1, 7)).toEqual([`330203********${idNumber(401, '19560301').slice(-4)}`, '138****2222', 'IMP-1', '户主', '户籍', '独居老人']);
    expect(JSON.stringify(rows)).not.toContain(idNumber(401, '19560301'));

    const houses = await t.as(village, { method: 'GET', url: `/api/registry/houses/export?keyword=${encodeURIComponent('导入路8号')}` });
    const [, house] = await readXlsx(houses.rawPayload);
    expect(house!.slice(0, 3)).toEqual(['薛家村导入路8号', `'=HYPERLINK("http://x")`, '出租']);
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'registry:house:export').executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ _details: { rows: 1 } });
  });
});
