import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { idNumber, creditCode, pointIn, villageA, villageB } from './test-support.ts';
import { parseIdNumber } from './validators/id-number.ts';
import { toWgs84 } from '../../gis/coordinates.ts';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';

describe('registry records: create, read, update, with personal data encrypted and masked', () => {
  let t: TestApp;
  let village: Session;
  let personId: number;
  const id = idNumber(123);
  const phone = '13912345678';

  beforeAll(async () => {
    t = await createTestApp();
    village = await t.login('village');
  });
  afterAll(() => t.close());

  it('creates a person located in its unit grid, showing only masked personal data', async () => {
    const at = await pointIn(t.app, villageA);
    const response = await t.as(village, {
      method: 'POST',
      url: '/api/registry/people',
      payload: { name: '林小梅', idNumber: id.toLowerCase(), phone: '139-1234-5678', residenceType: 'registered', tags: ['独居老人', 'disabled'], lng: at.lng, lat: at.lat, householdNo: 'TEST-H1', relation: 'head' },
    });
    expect(response.statusCode).toBe(201);
    const person = response.json();
    personId = person.id;
    expect(person).toMatchObject({
      name: '林小梅',
      idNumber: '330203********' + id.slice(-4),
      phone: '139****5678',
      gender: 'M',
      birthDate: '1985-06-12',
      tags: ['elderly_alone', 'disabled'],
      gridCode: at.gridCode,
      villageCode: villageA,
      villageName: '薛家村',
      householdNo: 'TEST-H1',
    });
    const household = (await t.as(village, { method: 'GET', url: `/api/registry/households/${person.householdId}` })).json();
    expect(household).toMatchObject({ householdNo: 'TEST-H1', headPersonId: personId, headName: '林小梅', memberCount: 1, gridCode: at.gridCode });
  });

  it('keeps no plain ID number or phone in the table or the audit trail', async () => {
    const raw = await t.app.db.selectFrom('person').selectAll().where('id', '=', personId).executeTakeFirstOrThrow();
    expect(raw.id_number_enc).toMatch(/^sm4ctr-hmacsm3:v1:/);
    expect(JSON.stringify(raw)).not.toContain(id);
    expect(JSON.stringify(raw)).not.toContain(phone);
    const plain = await sql<{ n: number }>`SELECT count(*)::int AS n FROM person WHERE id_number_enc LIKE ${`%${id}%`} OR id_number_masked = ${id} OR phone_enc LIKE ${`%${phone}%`}`.execute(t.app.db);
    expect(plain.rows[0]!.n).toBe(0);
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'changes']).where('entity_type', '=', 'person').where('entity_id', '=', String(personId)).execute();
    expect(audit.map((a) => a.action)).toEqual(['registry:person:create']);
    expect(JSON.stringify(audit)).not.toContain(id);
    expect(JSON.stringify(audit)).not.toContain('sm4ctr');
    expect(audit[0]!.changes).toMatchObject({ idNumber: { to: '330203********' + id.slice(-4) } });
  });

  it('finds a person by the exact ID number or phone through the blind index, never by part of it', async () => {
    const byId = (await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${id}` })).json();
    expect(byId.items.map((p: { id: number }) => p.id)).toEqual([personId]);
    const byPhone = (await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${phone}` })).json();
    expect(byPhone.items.map((p: { id: number }) => p.id)).toEqual([personId]);
    expect((await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${id.slice(0, 10)}` })).json().total).toBe(0);
    const byName = (await t.as(village, { method: 'GET', url: `/api/registry/people?keyword=${encodeURIComponent('林小')}&tags=elderly_alone` })).json();
    expect(byName.items.map((p: { id: number }) => p.id)).toEqual([personId]);
  });

  it('refuses invalid identifiers, points outside every grid and duplicates, naming the field', async () => {
    const at = await pointIn(t.app, villageA, 1);
    const create = (payload: object) => t.as(village, { method: 'POST', url: '/api/registry/people', payload: { name: '测试', lng: at.lng, lat: at.lat, ...payload } });
    const badCheck = await create({ idNumber: id.slice(0, 17) + (id[17] === '1' ? '2' : '1') });
    expect(badCheck.statusCode).toBe(400);
    expect(badCheck.json().fields).toEqual([{ field: '/idNumber', code: 'ID_NUMBER_CHECK_DIGIT', message: '身份证号校验位不正确' }]);
    const badPhone = await create({ idNumber: idNumber(125), phone: '12345' });
    expect(badPhone.json().fields[0]).toMatchObject({ field: '/phone', code: 'PHONE_FORMAT' });
    const outside = await create({ idNumber: idNumber(127), lng: 120.0, lat: 30.5 });
    expect(outside.json().fields[0]).toMatchObject({ field: '/lng', code: 'OUTSIDE_ALL_GRIDS' });
    const duplicate = await create({ idNumber: id });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json()).toMatchObject({ code: 'ALREADY_EXISTS', detail: `人员已存在：330203********${id.slice(-4)}` });
    expect(JSON.stringify(duplicate.json())).not.toContain(id);
  });

  it('converts GCJ-02 input to WGS84 before locating', async () => {
    const at = await pointIn(t.app, villageA, 2);
    // The point as AMap would show it (GCJ-02 is offset some 500 m from WGS84 here): one step of inverting toWgs84.
    const [wLng, wLat] = toWgs84(at.lng, at.lat, 'GCJ02');
    const gcj = { lng: 2 * at.lng - wLng, lat: 2 * at.lat - wLat };
    expect(Math.abs(gcj.lng - at.lng)).toBeGreaterThan(0.003);
    const response = await t.as(village, { method: 'POST', url: '/api/registry/houses', payload: { address: '薛家村测试路1号', useType: 'rental', floors: 3, ...gcj, crs: 'GCJ02' } });
    expect(response.statusCode).toBe(201);
    const house = response.json();
    expect(Math.abs(house.lng - at.lng)).toBeLessThan(0.0002);
    expect(Math.abs(house.lat - at.lat)).toBeLessThan(0.0002);
  });

  it('updates with before/after in the audit trail, masked', async () => {
    const response = await t.as(village, { method: 'PATCH', url: `/api/registry/people/${personId}`, payload: { phone: '0574-87654321', tags: [] } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ phone: '0574****4321', tags: [] });
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'registry:person:update').where('entity_id', '=', String(personId)).executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ phone: { from: '139****5678', to: '0574****4321' }, tags: { from: ['elderly_alone', 'disabled'], to: [] } });
    expect(JSON.stringify(audit.changes)).not.toContain('87654321');
  });

  it('validates devices: camera channel ids by GB/T 28181, sensors need a serial and a dictionary kind', async () => {
    const at = await pointIn(t.app, villageA);
    const post = (payload: object) => t.as(village, { method: 'POST', url: '/api/registry/devices', payload: { name: '测试设备', lng: at.lng, lat: at.lat, ...payload } });
    expect((await post({ deviceType: 'camera', channelId: '33020310001180000001' })).json().fields[0]).toMatchObject({ field: '/channelId', code: 'CHANNEL_ID_TYPE' });
    expect((await post({ deviceType: 'camera' })).json().fields[0]).toMatchObject({ field: '/channelId', code: 'required' });
    const camera = await post({ deviceType: 'camera', channelId: '33020310001329999001', aiEnabled: true, status: 'online' });
    expect(camera.statusCode).toBe(201);
    expect(camera.json()).toMatchObject({ deviceType: 'camera', channelId: '33020310001329999001', aiEnabled: true });
    expect((await post({ deviceType: 'sensor', sensorKind: '烟感' })).json().fields[0]).toMatchObject({ field: '/serialNo', code: 'required' });
    expect((await post({ deviceType: 'sensor', serialNo: 'T-1', sensorKind: 'plasma' })).json().fields[0]).toMatchObject({ field: '/sensorKind', code: 'UNKNOWN_VALUE' });
    const sensor = await post({ deviceType: 'sensor', serialNo: 'T-1', sensorKind: '烟感' });
    expect(sensor.json()).toMatchObject({ sensorKind: 'smoke', serialNo: 'T-1' });
  });

  it('validates enterprise credit codes', async () => {
    const at = await pointIn(t.app, villageA);
    const post = (code: string) => t.as(village, { method: 'POST', url: '/api/registry/enterprises', payload: { name: '宁波测试机械有限公司', creditCode: code, kind: 'company', address: '薛家路1号', phone: '13800001111', lng: at.lng, lat: at.lat } });
    const good = creditCode(1);
    expect((await post(good.slice(0, 17) + (good[17] === '0' ? '1' : '0'))).json().fields[0]).toMatchObject({ field: '/creditCode', code: 'CREDIT_CODE_CHECK_DIGIT' });
    const created = await post(good);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ creditCode: good, phone: '138****1111' });
  });
});

describe('revealing personal data: permission, audit and a daily limit', () => {
  let t: TestApp;
  let village: Session;
  let personId: number;
  const id = idNumber(201, '19600101');

  beforeAll(async () => {
    t = await createTestApp({ revealDailyLimit: 2 });
    village = await t.login('village');
    const at = await pointIn(t.app, villageA);
    personId = (await t.as(village, { method: 'POST', url: '/api/registry/people', payload: { name: '周大伯', idNumber: id, phone: '13700001234', lng: at.lng, lat: at.lat } })).json().id;
  });
  afterAll(() => t.close());

  it('shows the full value to a holder of the permission, audited without the value', async () => {
    const response = await t.as(village, { method: 'POST', url: `/api/registry/people/${personId}/reveal`, payload: { field: 'idNumber' } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.json()).toEqual({ field: 'idNumber', value: id });
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'registry:personal-data:reveal').execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entity_type: 'person', entity_id: String(personId), actor_name: '薛书记', changes: { _details: { field: 'idNumber' } } });
    expect(JSON.stringify(audit)).not.toContain(id);
  });

  it('is refused without the permission', async () => {
    const grid = await t.login('grid');
    const response = await t.as(grid, { method: 'POST', url: `/api/registry/people/${personId}/reveal`, payload: { field: 'phone' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().detail).toContain('registry:personal-data:reveal');
  });

  it('stops at the daily limit with a clear problem', async () => {
    const second = await t.as(village, { method: 'POST', url: `/api/registry/people/${personId}/reveal`, payload: { field: 'phone' } });
    expect(second.json()).toEqual({ field: 'phone', value: '13700001234' });
    const third = await t.as(village, { method: 'POST', url: `/api/registry/people/${personId}/reveal`, payload: { field: 'phone' } });
    expect(third.statusCode).toBe(429);
    expect(third.json()).toMatchObject({ code: 'REVEAL_LIMIT', detail: '今日查看完整个人信息的次数已达上限（2 次）' });
    expect(await t.app.db.selectFrom('audit_log').select('id').where('action', '=', 'registry:personal-data:reveal').execute()).toHaveLength(2);
  });
});

describe('registry data scope: village A sees and changes only A', () => {
  let t: TestApp;
  let a: Session;
  const b = { person: 0, household: 0, house: 0, enterprise: 0, place: 0, device: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    a = await t.login('v201');
    const bAdmin = await t.login('v202');
    const at = await pointIn(t.app, villageB);
    const post = async (path: string, payload: object) => {
      const response = await t.as(bAdmin, { method: 'POST', url: `/api/registry/${path}`, payload: { ...payload, lng: at.lng, lat: at.lat } });
      expect(response.statusCode).toBe(201);
      return response.json();
    };
    const person = await post('people', { name: '乙村人', idNumber: idNumber(301), phone: '13600002222', householdNo: 'B-H1', relation: 'head' });
    b.person = person.id;
    b.household = person.householdId;
    b.house = (await post('houses', { address: '岳童村岳童路99号' })).id;
    b.enterprise = (await post('enterprises', { name: '乙村企业', creditCode: creditCode(2), kind: 'shop', address: '岳童路1号', phone: '13600003333' })).id;
    b.place = (await post('places', { name: '乙村幼儿园', kind: 'school', address: '岳童路2号', crowded: true })).id;
    b.device = (await post('devices', { deviceType: 'sensor', name: '乙村烟感', serialNo: 'B-1', sensorKind: 'smoke' })).id;
  });
  afterAll(() => t.close());

  const probes = () => [
    ...(['people', 'households', 'houses', 'enterprises', 'places', 'devices'] as const).flatMap((path) => {
      const id = b[({ people: 'person', households: 'household', houses: 'house', enterprises: 'enterprise', places: 'place', devices: 'device' } as const)[path]];
      return [
        { method: 'GET' as const, url: `/api/registry/${path}/${id}` },
        { method: 'PATCH' as const, url: `/api/registry/${path}/${id}`, payload: { name: '改名' } },
      ];
    }),
    { method: 'POST' as const, url: `/api/registry/people/${b.person}/reveal`, payload: { field: 'idNumber' } },
    { method: 'POST' as const, url: `/api/registry/enterprises/${b.enterprise}/reveal`, payload: { field: 'phone' } },
  ];

  it('covers every parameterised registry route', () => {
    const covered = probes().map((p) => `${p.method} ${p.url.replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/registry/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for B records on every route with an id and changes nothing', async () => {
    for (const probe of probes()) {
      // Kinds without a name field get a body they accept, so that only the scope can refuse it.
      const payload = probe.method === 'PATCH' && /households|houses/.test(probe.url) ? { address: '改址' } : probe.payload;
      const response = await t.as(a, { ...probe, payload });
      expect({ url: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ url: `${probe.method} ${probe.url}`, status: 404 });
      expect(response.json().code).toBe('NOT_FOUND');
    }
    const person = await t.app.db.selectFrom('person').select('name').where('id', '=', b.person).executeTakeFirstOrThrow();
    expect(person.name).toBe('乙村人');
  });

  it('lists, maps, counts and exports only A records', async () => {
    for (const path of ['people', 'households', 'houses', 'enterprises', 'places', 'devices']) {
      const list = (await t.as(a, { method: 'GET', url: `/api/registry/${path}?pageSize=500` })).json();
      expect(list.items.every((r: { villageCode: string }) => r.villageCode === villageA)).toBe(true);
      const map = (await t.as(a, { method: 'GET', url: `/api/registry/${path}/within?bbox=121,29,122,30` })).json();
      expect(map.features.every((f: { properties: { gridCode: string } }) => f.properties.gridCode.startsWith(villageA))).toBe(true);
    }
    const stats = (await t.as(a, { method: 'GET', url: '/api/registry/stats?level=village' })).json();
    expect(stats.items.map((i: { code: string }) => i.code)).toEqual([villageA]);
    const search = (await t.as(a, { method: 'GET', url: `/api/registry/people?keyword=${idNumber(301)}` })).json();
    expect(search.total).toBe(0);
  });

  it('cannot place a record in B', async () => {
    const at = await pointIn(t.app, villageB, 1);
    const response = await t.as(a, { method: 'POST', url: '/api/registry/houses', payload: { address: '越界地址1号', lng: at.lng, lat: at.lat } });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields[0]).toMatchObject({ field: '/lng', code: 'LOCATION_OUT_OF_SCOPE' });
    const person = await t.as(a, { method: 'POST', url: '/api/registry/people', payload: { name: '重复', idNumber: idNumber(301), houseAddress: '岳童村岳童路99号' } });
    expect(person.json().fields[0]).toMatchObject({ field: '/houseAddress', code: 'UNKNOWN_REFERENCE' });
  });
});

describe('map layers, nearest and statistics', () => {
  let t: TestApp;
  let command: Session;
  beforeAll(async () => {
    t = await createTestApp();
    command = await t.login('command');
  });
  afterAll(() => t.close());

  it('serves points in a bbox or polygon as GeoJSON without personal data', async () => {
    const bbox = '121.3,29.7,121.6,30.0';
    const people = (await t.as(command, { method: 'GET', url: `/api/registry/people/within?bbox=${bbox}` })).json();
    const total = (await t.as(command, { method: 'GET', url: '/api/registry/people?pageSize=1' })).json().total;
    expect(people).toMatchObject({ type: 'FeatureCollection', crs: 'EPSG:4326', truncated: false });
    expect(people.features).toHaveLength(total);
    const feature = people.features[0];
    expect(Object.keys(feature.properties).sort()).toEqual(['gridCode', 'id', 'kind', 'name']);
    expect(feature.properties.name).toBeNull();
    expect(JSON.stringify(people)).not.toMatch(/\*{4}|sm4ctr/);

    const cameras = (await t.as(command, { method: 'GET', url: `/api/registry/devices/within?bbox=${bbox}&type=camera&limit=10` })).json();
    expect(cameras.features).toHaveLength(10);
    expect(cameras.truncated).toBe(true);

    const [minLng, minLat, maxLng, maxLat] = [121.4, 29.8, 121.46, 29.85];
    const polygon = JSON.stringify({ type: 'Polygon', coordinates: [[[minLng, minLat], [maxLng, minLat], [maxLng, maxLat], [minLng, maxLat], [minLng, minLat]]] });
    const inPolygon = (await t.as(command, { method: 'GET', url: `/api/registry/houses/within?polygon=${encodeURIComponent(polygon)}` })).json();
    const inBox = (await t.as(command, { method: 'GET', url: `/api/registry/houses/within?bbox=${minLng},${minLat},${maxLng},${maxLat}` })).json();
    expect(inPolygon.features.length).toBe(inBox.features.length);
    expect(inPolygon.features.every((f: { geometry: { coordinates: number[] } }) => f.geometry.coordinates[0]! <= maxLng && f.geometry.coordinates[1]! <= maxLat)).toBe(true);
    const badPolygon = await t.as(command, { method: 'GET', url: `/api/registry/houses/within?polygon=${encodeURIComponent('{"type":"Point"}')}` });
    expect(badPolygon.json().fields[0]).toMatchObject({ field: '/querystring/polygon', code: 'NOT_POLYGON' });
  });

  it('finds the nearest records of a type, nearest first', async () => {
    const response = (await t.as(command, { method: 'GET', url: '/api/registry/devices/nearest?lng=121.46&lat=29.85&type=camera&limit=5' })).json();
    expect(response.items).toHaveLength(5);
    const distances = response.items.map((i: { distanceMetres: number }) => i.distanceMetres);
    expect([...distances].sort((x, y) => x - y)).toEqual(distances);
    expect(response.items.every((i: { kind: string }) => i.kind.startsWith('camera'))).toBe(true);
  });

  it('counts every kind per village, zeros included, matching the lists', async () => {
    const stats = (await t.as(command, { method: 'GET', url: '/api/registry/stats?level=village' })).json();
    expect(stats.items).toHaveLength(34);
    const sum = (kind: string) => stats.items.reduce((s: number, i: { counts: Record<string, number> }) => s + i.counts[kind]!, 0);
    for (const [kind, path] of [['person', 'people'], ['house', 'houses'], ['device', 'devices']] as const) {
      expect(sum(kind)).toBe((await t.as(command, { method: 'GET', url: `/api/registry/${path}?pageSize=1` })).json().total);
    }
    const grids = (await t.as(command, { method: 'GET', url: `/api/registry/stats?level=grid&divisionCode=${villageA}` })).json();
    expect(grids.items.every((i: { code: string }) => i.code.startsWith(villageA) && i.code.length === 14)).toBe(true);
  });

  it('seeds a plausible demo town: valid identifiers, households with heads, devices of every kind', async () => {
    const households = (await t.as(command, { method: 'GET', url: '/api/registry/households?pageSize=50' })).json();
    expect(households.items.every((h: { headPersonId: number | null; memberCount: number }) => h.headPersonId !== null && h.memberCount > 0)).toBe(true);
    const cameras = (await t.as(command, { method: 'GET', url: '/api/registry/devices?type=camera&pageSize=500' })).json();
    expect(cameras.items.every((c: { channelId: string }) => /^33020310001(31|32)0\d{6}$/.test(c.channelId))).toBe(true);
    const rows = await t.app.db.selectFrom('person').select('id_number_enc').limit(50).execute();
    const cipher = new FieldCipher(loadDataKey(t.app.config, console));
    expect(rows.every((r) => parseIdNumber(cipher.decrypt(r.id_number_enc)).ok)).toBe(true);
  });
});
