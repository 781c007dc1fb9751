import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, pointIn } from '../../../test/event-fixtures.ts';
import { demoOpen311Key } from '../../demo/demo-open311.ts';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';
import { open311Validator, parseXml, partnerKey, postRequest, sparkJson, textual } from './test-support.ts';

/**
 * GeoReport v2 against the demo town: every JSON answer validated against the spec's JSON Schemas,
 * every XML answer parsed by a strict parser and compared with its JSON twin, every refusal with the
 * spec's status code and error list.
 */
const homeGrid = '33020310320101';
const otherVillageGrid = '33020310320501';
const open311Time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;
const validate = open311Validator();

describe('Open311 GeoReport v2', () => {
  let t: TestApp;
  let command: Session;
  let point: { lng: number; lat: number };

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });
  /** The JSON and the XML answer of one GET; the XML must parse and carry the same content. */
  async function both(path: string, root: string, headers: Record<string, string> = {}) {
    const [json, xml] = await Promise.all([get(path.replace('{format}', 'json'), headers), get(path.replace('{format}', 'xml'), headers)]);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(xml.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(xml.statusCode).toBe(json.statusCode);
    const document = parseXml(xml.body);
    expect(document.declaration).toMatchObject({ version: '1.0', encoding: 'utf-8' });
    expect(document.root.name).toBe(root);
    expect(sparkJson(document.root)).toEqual(textual(json.json()));
    return { status: json.statusCode, body: json.json() };
  }
  /** An error answer in both formats: the status and one `{code, description}` per problem. */
  async function refused(response: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number) {
    expect(response.statusCode).toBe(status);
    const xml = (response.headers['content-type'] as string).startsWith('text/xml');
    const errors = (xml ? sparkJson(parseXml(response.body).root) : JSON.parse(response.body)) as { code: string | number; description: string }[];
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) {
      expect(Number(error.code)).toBe(status);
      expect(error.description.length).toBeGreaterThan(0);
    }
    return errors.map((e) => e.description);
  }
  const eventCount = async () => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM event`.execute(t.app.db)).rows[0]!.n);

  beforeAll(async () => {
    t = await createTestApp();
    command = await t.login('command');
    point = await pointIn(t.app, homeGrid);
  });
  afterAll(() => t.close());

  it('publishes discovery at /open311 and /open311/v2 in both formats', async () => {
    for (const path of ['/open311/discovery.{format}', '/open311/v2/discovery.{format}']) {
      const { status, body } = await both(path, 'discovery');
      expect(status).toBe(200);
      expect(body).toMatchObject({ contact: expect.any(String), key_service: expect.any(String), changeset: expect.stringMatching(open311Time) });
      expect(body.endpoints).toEqual([
        { specification: 'http://wiki.open311.org/GeoReport_v2', url: expect.stringMatching(/^https?:\/\/[^/]+\/open311\/v2$/), changeset: body.changeset, type: 'production', formats: ['text/xml', 'application/json'] },
      ]);
    }
  });

  it('lists the active, public-reportable categories as services', async () => {
    await t.app.db.updateTable('event_category').set({ public_reportable: false }).where('code', '=', 'E0409').execute();
    const { status, body } = await both('/open311/v2/services.{format}', 'services');
    expect(status).toBe(200);
    expect(validate('services.json', body)).toEqual([]);
    for (const service of body) expect(validate('service.json', service)).toEqual([]);
    const expected = await t.app.db.selectFrom('event_category').select('code').where('active', '=', true).where('public_reportable', '=', true).execute();
    expect(body.map((s: { service_code: string }) => s.service_code).sort()).toEqual(expected.map((c) => c.code).sort());
    expect(body.find((s: { service_code: string }) => s.service_code === 'E0409')).toBeUndefined();
    expect(body.filter((s: { metadata: boolean }) => s.metadata).map((s: { service_code: string }) => s.service_code).sort()).toEqual(['C0118', 'E0102', 'E0301', 'E0505']);
    expect(body.find((s: { service_code: string }) => s.service_code === 'E0505')).toEqual({
      service_code: 'E0505',
      service_name: '机动车乱停放',
      description: '街面秩序 · 机动车乱停放 (Illegal parking of motor vehicles)',
      metadata: true,
      type: 'realtime',
      keywords: 'event',
      group: '街面秩序',
    });
  });

  it('names services in English where the category has an English name and the caller asks for English', async () => {
    await t.app.db.updateTable('event_category').set({ name_en: 'Illegal parking' }).where('code', '=', 'E0505').execute();
    // A category without an English name keeps its Chinese one.
    await t.app.db.updateTable('event_category').set({ name_en: null }).where('code', '=', 'E0101').execute();
    const english = (await get('/open311/v2/services.json', { 'accept-language': 'en' })).json();
    expect(english.find((s: { service_code: string }) => s.service_code === 'E0505')).toMatchObject({ service_name: 'Illegal parking', description: '街面秩序 · 机动车乱停放 (Illegal parking)' });
    expect(english.find((s: { service_code: string }) => s.service_code === 'E0101').service_name).toBe('私搭乱建');
  });

  it('defines services with their attributes, in order, in both formats and languages', async () => {
    const { status, body } = await both('/open311/v2/services/E0505.{format}', 'service_definition');
    expect(status).toBe(200);
    expect(validate('service-definition.json', body)).toEqual([]);
    expect(body.service_code).toBe('E0505');
    expect(body.attributes.map((a: { code: string; order: number }) => [a.order, a.code])).toEqual([
      [1, 'blocking'],
      [2, 'plate'],
      [3, 'vehicles'],
    ]);
    expect(body.attributes[0]).toEqual({
      variable: true,
      code: 'blocking',
      datatype: 'singlevaluelist',
      required: true,
      datatype_description: null,
      order: 1,
      description: '堵塞了什么',
      values: [
        { key: 'fire_lane', name: '消防通道' },
        { key: 'sidewalk', name: '人行道' },
        { key: 'entrance', name: '出入口' },
        { key: 'none', name: '未堵塞' },
      ],
    });
    const english = await both('/open311/v2/services/E0505.{format}', 'service_definition', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(english.body.attributes[0]).toMatchObject({ description: 'What is blocked', values: expect.arrayContaining([{ key: 'fire_lane', name: 'Fire lane' }]) });
    const information = (await get('/open311/v2/services/E0301.json')).json().attributes[0];
    expect(information).toMatchObject({ variable: false, datatype: 'text', required: false });
    const none = await both('/open311/v2/services/E0101.{format}', 'service_definition');
    expect(none.body).toEqual({ service_code: 'E0101', attributes: [] });
  });

  it('answers 404 with an error list for unknown or non-public services and unknown extensions', async () => {
    await refused(await get('/open311/v2/services/E9999.json'), 404);
    const xml = await refused(await get('/open311/v2/services/E9999.xml'), 404);
    expect(xml[0]).toContain('E9999');
    await refused(await get('/open311/v2/services/E0409.json'), 404);
    await refused(await get('/open311/v2/services.html'), 404);
    await refused(await get('/open311/v2/nothing.json'), 404);
  });

  it('takes a report through the same intake as public reports and serves it back', async () => {
    const before = await eventCount();
    const response = await postRequest(t, {
      api_key: demoOpen311Key,
      service_code: 'E0505',
      lat: String(point.lat),
      long: String(point.lng),
      address_string: '古林镇薛家村村口',
      description: '白色轿车停在消防通道，车主电话 13812345678',
      'attribute[blocking]': 'fire_lane',
      'attribute[plate]': '浙B12345',
      'attribute[vehicles]': '2',
      'attribute[unknown]': 'ignored',
      email: 'reporter@example.com',
      phone: '13900001111',
      first_name: '三',
      last_name: '张',
      media_url: 'https://example.com/photos/1.jpg',
      device_id: 'phone-7',
      account_id: 'acct-42',
    });
    expect(response.statusCode).toBe(200);
    const created = response.json();
    expect(created).toEqual([{ service_request_id: expect.stringMatching(/^330203103-\d{8}-\d{5}$/), service_notice: expect.any(String), account_id: 'acct-42' }]);
    const id = created[0].service_request_id;
    expect(await eventCount()).toBe(before + 1);

    // The event center: a public report, reporter as other public reports keep them.
    const event = await t.app.db.selectFrom('event').selectAll().where('code', '=', id).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ source: 'public', category_code: 'E0505', state: 'reported', grid_code: homeGrid, reporter_name: '张三', reporter_phone_masked: '139****1111', address: '古林镇薛家村村口' });
    expect(event.reporter_phone).not.toContain('13900001111');
    const cipher = new FieldCipher(loadDataKey(t.app.config, { warn: () => undefined }));
    expect(cipher.decrypt(event.reporter_phone!)).toBe('13900001111');
    expect(event.description).toBe('白色轿车停在消防通道，车主电话 13812345678\n\n【附加信息】\n堵塞了什么：消防通道\n车牌号（如能看清）：浙B12345\n车辆数：2');
    const extras = await t.app.db.selectFrom('open311_request').selectAll().where('event_id', '=', event.id).executeTakeFirstOrThrow();
    expect(extras).toMatchObject({ attributes: { blocking: 'fire_lane', plate: '浙B12345', vehicles: '2' }, media_url: 'https://example.com/photos/1.jpg', email_masked: 'r***@example.com', device_id: 'phone-7', account_id: 'acct-42' });
    expect(extras.email).not.toContain('reporter');
    expect(cipher.decrypt(extras.email!)).toBe('reporter@example.com');
    const history = await t.app.db.selectFrom('event_history').select(['action', 'actor_type', 'actor_name']).where('event_id', '=', event.id).execute();
    expect(history).toEqual([{ action: 'report', actor_type: 'token', actor_name: 'Open311 演示合作方 (demo partner)' }]);
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'actor_type']).where('entity_id', '=', String(event.id)).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'event:case:create', actor_type: 'token' },
      { action: 'open311:request:create', actor_type: 'token' },
    ]);
    const list = (await t.as(command, { method: 'GET', url: '/api/events?source=public&pageSize=50' })).json();
    expect(list.items.find((e: { code: string }) => e.code === id)).toMatchObject({ source: 'public', categoryCode: 'E0505', state: 'reported' });

    // Served back: one request in a list, schema-valid, nothing personal.
    const { status, body } = await both(`/open311/v2/requests/${id}.{format}`, 'service_requests');
    expect(status).toBe(200);
    expect(validate('requests.json', body)).toEqual([]);
    expect(validate('request.json', body[0])).toEqual([]);
    expect(body).toEqual([
      {
        service_request_id: id,
        status: 'open',
        status_notes: null,
        service_name: '机动车乱停放',
        service_code: 'E0505',
        description: '白色轿车停在消防通道，车主电话 138****5678\n\n【附加信息】\n堵塞了什么：消防通道\n车牌号（如能看清）：浙B12345\n车辆数：2',
        agency_responsible: null,
        service_notice: null,
        requested_datetime: expect.stringMatching(open311Time),
        updated_datetime: expect.stringMatching(open311Time),
        expected_datetime: null,
        address: '古林镇薛家村村口',
        address_id: null,
        zipcode: null,
        lat: point.lat,
        long: point.lng,
        media_url: 'https://example.com/photos/1.jpg',
      },
    ]);
    const raw = (await get(`/open311/v2/requests/${id}.xml`)).body + (await get(`/open311/v2/requests.json?service_request_id=${id}`)).body;
    for (const secret of ['13900001111', 'reporter@example.com', '张三', '13812345678', 'acct-42', 'phone-7']) expect(raw).not.toContain(secret);
    expect(body[0].requested_datetime).toBe(`${new Date(event.reported_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`);
  });

  it('answers a POST in XML too, and takes an address instead of a point and list answers repeated', async () => {
    const response = await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0102', address_string: '古林镇菜场后门', description: '垃圾堆在路边', 'attribute[volume]': 'pile', 'attribute[kinds][]': ['household', 'bulky'] }, 'xml');
    expect(response.statusCode).toBe(200);
    const document = parseXml(response.body);
    expect(document.root.name).toBe('service_requests');
    const [created] = sparkJson(document.root) as { service_request_id: string; account_id: null }[];
    expect(created!.account_id).toBeNull();
    const event = await t.app.db.selectFrom('event').select(['id', 'state', 'division_code', 'lng']).where('code', '=', created!.service_request_id).executeTakeFirstOrThrow();
    // No point: it waits in the town for the command center to place it.
    expect(event).toMatchObject({ state: 'pending_placement', division_code: '330203103', lng: null });
    const extras = await t.app.db.selectFrom('open311_request').select('attributes').where('event_id', '=', event.id).executeTakeFirstOrThrow();
    expect(extras.attributes).toEqual({ volume: 'pile', kinds: ['household', 'bulky'] });
  });

  it('refuses a missing, wrong, revoked or unscoped api_key with 403 and writes nothing', async () => {
    const report = { service_code: 'E0101', lat: String(point.lat), long: String(point.lng), description: '违建' };
    const revoked = await partnerKey(t.app, '330203103', 'revoked partner');
    await t.app.db.updateTable('api_token').set({ revoked_at: new Date() }).where('name', '=', 'revoked partner').execute();
    const { token: unscoped } = await (await import('../../auth/api-tokens.ts')).issueApiToken(t.app.db, { name: 'events only', scopes: ['event:case:create'], divisionCode: '330203103', createdBy: null, expiresAt: null });
    const before = await eventCount();
    await refused(await postRequest(t, report), 403);
    await refused(await postRequest(t, { ...report, api_key: 'gzt_wrong' }, 'xml'), 403);
    await refused(await postRequest(t, { ...report, api_key: 'not-even-a-token' }), 403);
    await refused(await postRequest(t, { ...report, api_key: revoked }), 403);
    await refused(await postRequest(t, { ...report, api_key: unscoped }), 403);
    await refused(await get(`/open311/v2/requests.json?api_key=gzt_wrong`), 403);
    expect(await eventCount()).toBe(before);
  });

  it('refuses unknown services, missing attributes, values outside the list and bad locations, with every problem listed', async () => {
    const at = { lat: String(point.lat), long: String(point.lng) };
    const before = await eventCount();
    expect(await refused(await postRequest(t, { api_key: demoOpen311Key, ...at }), 400)).toEqual([expect.stringContaining('service_code')]);
    expect((await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E9999', ...at }), 404))[0]).toContain('E9999');
    await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0409', ...at }, 'xml'), 404);

    const missing = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0505', ...at }, 'xml'), 400);
    expect(missing).toEqual([expect.stringMatching(/^attribute\[blocking\]: .*堵塞了什么/)]);
    const outside = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0505', ...at, 'attribute[blocking]': 'river' }), 400);
    expect(outside).toEqual([expect.stringMatching(/^attribute\[blocking\]: .*river.*fire_lane, sidewalk, entrance, none/)]);
    const several = await refused(
      await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0102', ...at, 'attribute[volume]': ['bag', 'pile'], 'attribute[kinds][]': ['household', 'glass'] }, 'json', { 'accept-language': 'en' }),
      400,
    );
    expect(several).toEqual([expect.stringMatching(/^attribute\[volume\]: .*one value/), expect.stringMatching(/^attribute\[kinds\]: "glass" is not a value/)]);
    const typed = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'C0118', ...at, 'attribute[fault]': 'dark', 'attribute[noticed_at]': 'yesterday' }), 400);
    expect(typed).toEqual([expect.stringMatching(/^attribute\[noticed_at\]: /)]);
    const number = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0505', ...at, 'attribute[blocking]': 'none', 'attribute[vehicles]': 'two' }), 400);
    expect(number).toEqual([expect.stringMatching(/^attribute\[vehicles\]: /)]);

    const locations: Record<string, string>[] = [{ lat: String(point.lat) }, { lat: '95', long: String(point.lng) }, { lat: 'north', long: 'east' }, {}, { address_id: 'A-17' }];
    for (const location of locations) {
      const errors = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0101', ...location }), 400);
      expect(errors).toEqual([expect.stringMatching(/^lat\/long: /)]);
    }
    const contact = await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0101', ...at, email: 'not-an-address', phone: '12345', media_url: 'ftp://x/y.jpg' }), 400);
    expect(contact).toEqual([expect.stringMatching(/^email: /), expect.stringMatching(/^phone: /), expect.stringMatching(/^media_url: /)]);
    await refused(await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0101', ...at, description: 'x'.repeat(4001) }), 400);
    expect(await eventCount()).toBe(before);
  });

  it('keeps a key to its division: reports land only there, lists show only its subtree', async () => {
    const villageKey = await partnerKey(t.app, '330203103201', 'village partner');
    const elsewhere = await pointIn(t.app, otherVillageGrid);
    const before = await eventCount();
    const outside = await refused(await postRequest(t, { api_key: villageKey, service_code: 'E0101', lat: String(elsewhere.lat), long: String(elsewhere.lng) }), 400);
    expect(outside).toEqual([expect.stringContaining('330203103201')]);
    // Without a point the report would wait in the town, outside the village.
    await refused(await postRequest(t, { api_key: villageKey, service_code: 'E0101', address_string: '村口' }), 400);
    expect(await eventCount()).toBe(before);

    const inside = await postRequest(t, { api_key: villageKey, service_code: 'E0101', lat: String(point.lat), long: String(point.lng) });
    expect(inside.statusCode).toBe(200);
    const own = (await get(`/open311/v2/requests.json?api_key=${villageKey}`)).json();
    expect(own.map((r: { service_request_id: string }) => r.service_request_id)).toContain(inside.json()[0].service_request_id);
    const divisions = await t.app.db.selectFrom('event').select('division_code').where('code', 'in', own.map((r: { service_request_id: string }) => r.service_request_id)).execute();
    expect(divisions.every((d) => d.division_code.startsWith('330203103201'))).toBe(true);
    const theirs = await t.app.db.selectFrom('event').select('code').where('division_code', 'like', '330203103205%').where('category_code', 'is not', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
    await refused(await get(`/open311/v2/requests/${theirs.code}.json?api_key=${villageKey}`), 404);
    expect((await get(`/open311/v2/requests.json?service_request_id=${theirs.code}&api_key=${villageKey}`)).json()).toEqual([]);
    expect((await get(`/open311/v2/requests/${theirs.code}.json`)).statusCode).toBe(200);
  });

  it('lists requests of the last 90 days by default, newest first, with the spec filters', async () => {
    const all = await both('/open311/v2/requests.{format}?page_size=1000', 'service_requests');
    expect(all.status).toBe(200);
    expect(validate('requests.json', all.body)).toEqual([]);
    for (const request of all.body) expect(validate('request.json', request)).toEqual([]);
    const times = all.body.map((r: { requested_datetime: string }) => Date.parse(r.requested_datetime));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(Date.now() - 90 * 86_400_000);
    const inWindow = await t.app.db.selectFrom('event').select(sql<number>`count(*)::int`.as('n')).where('category_code', 'is not', null).where('reported_at', '>=', new Date(Date.now() - 90 * 86_400_000)).executeTakeFirstOrThrow();
    expect(all.body.length).toBe(inWindow.n);
    expect((await get('/open311/v2/requests.json')).json().length).toBe(Math.min(200, inWindow.n));
    const older = await t.app.db.selectFrom('event').select('code').where('reported_at', '<', new Date(Date.now() - 100 * 86_400_000)).executeTakeFirstOrThrow();
    expect(all.body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(older.code);
    for (const request of all.body) {
      expect(typeof request.service_request_id).toBe('string');
      for (const field of ['requested_datetime', 'updated_datetime', 'expected_datetime']) if (request[field] !== null) expect(request[field]).toMatch(open311Time);
    }

    // service_request_id overrides every other filter, including the window.
    const pair = `${all.body[0].service_request_id},${older.code}`;
    const byId = (await get(`/open311/v2/requests.json?service_request_id=${pair}&start_date=2020-01-01T00:00:00Z&end_date=2020-01-02T00:00:00Z&status=closed`)).json();
    expect(byId.map((r: { service_request_id: string }) => r.service_request_id).sort()).toEqual(pair.split(',').sort());

    const parking = (await get('/open311/v2/requests.json?service_code=E0505,E0102')).json();
    expect(parking.length).toBeGreaterThan(0);
    expect(new Set(parking.map((r: { service_code: string }) => r.service_code))).toEqual(new Set(['E0505', 'E0102']));
    const open = (await get('/open311/v2/requests.json?status=open&page_size=1000')).json();
    const closed = (await get('/open311/v2/requests.json?status=closed&page_size=1000')).json();
    expect(open.every((r: { status: string }) => r.status === 'open')).toBe(true);
    expect(closed.every((r: { status: string }) => r.status === 'closed')).toBe(true);
    expect(open.length + closed.length).toBe(all.body.length);
    expect((await get('/open311/v2/requests.json?status=open,closed&page_size=1000')).json().length).toBe(all.body.length);

    // A window of its own: start and end (empty parameters count as absent).
    const end = new Date(Date.now() - 200 * 86_400_000);
    const start = new Date(end.getTime() - 30 * 86_400_000);
    const windowed = (await get(`/open311/v2/requests.json?start_date=${start.toISOString()}&end_date=${end.toISOString().slice(0, 19)}%2B00:00&status=&service_code=`)).json();
    expect(windowed.length).toBeGreaterThan(0);
    for (const r of windowed) expect(Date.parse(r.requested_datetime)).toBeGreaterThanOrEqual(start.getTime() - 1000);
    for (const r of windowed) expect(Date.parse(r.requested_datetime)).toBeLessThanOrEqual(end.getTime());

    // Pages (extension): page_size and page cut the same list.
    const firstPage = (await get('/open311/v2/requests.json?page_size=3')).json();
    const secondPage = (await get('/open311/v2/requests.json?page_size=3&page=2')).json();
    expect([...firstPage, ...secondPage]).toEqual(all.body.slice(0, 6));
  });

  it('refuses bad dates, statuses and pages with 400 and an error each', async () => {
    expect(await refused(await get('/open311/v2/requests.json?start_date=yesterday'), 400)).toEqual([expect.stringMatching(/^start_date: /)]);
    expect(await refused(await get('/open311/v2/requests.xml?end_date=2026-02-30T10:00:00%2B08:00'), 400)).toEqual([expect.stringMatching(/^end_date: /)]);
    await refused(await get('/open311/v2/requests.json?start_date=2026-11-01T00:00:00Z&end_date=2026-10-01T00:00:00Z'), 400);
    await refused(await get('/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z'), 400);
    const many = await refused(await get('/open311/v2/requests.xml?status=pending&page=0&page_size=5000'), 400);
    expect(many).toEqual([expect.stringMatching(/^status: /), expect.stringMatching(/^page: /), expect.stringMatching(/^page_size: /)]);
    await refused(await get('/open311/v2/requests/330203103-19990101-00001.json'), 404);
    await refused(await get('/open311/v2/requests/330203103-19990101-00001.xml'), 404);
    await refused(await get('/open311/v2/tokens/abc.json'), 404);
  });

  it('maps the workflow to open/closed, with status_notes from the public replies only', async () => {
    const events = eventsClient(t);
    const post = async () => (await postRequest(t, { api_key: demoOpen311Key, service_code: 'E0101', lat: String(point.lat), long: String(point.lng), description: '违建' })).json()[0].service_request_id as string;
    const idOf = async (code: string) => (await t.app.db.selectFrom('event').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
    const read = async (code: string) => (await get(`/open311/v2/requests/${code}.json`)).json()[0];

    const accepted = await post();
    expect((await events.act(command, await idOf(accepted), 'accept', { note: '内部：已电话核实' })).statusCode).toBe(200);
    expect(await read(accepted)).toMatchObject({ status: 'open', status_notes: null });

    const cancelled = await post();
    expect((await events.act(command, await idOf(cancelled), 'cancel', { reason: '重复上报，已并入前案处理' })).statusCode).toBe(200);
    const answer = await read(cancelled);
    expect(answer).toMatchObject({ status: 'closed', status_notes: '重复上报，已并入前案处理' });
    const row = await t.app.db.selectFrom('event').select(['updated_at']).where('code', '=', cancelled).executeTakeFirstOrThrow();
    expect(answer.updated_datetime).toBe(`${new Date(row.updated_at.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`);

    // A handled event: the handling unit's name, the handling deadline, the closing time.
    const done = await t.app.db
      .selectFrom('event as e')
      .innerJoin('organization as o', 'o.id', 'e.handling_unit_id')
      .select(['e.code', 'o.name', 'e.closed_at', 'e.handle_deadline'])
      .where('e.state', '=', 'closed')
      .where('e.category_code', 'is not', null)
      .orderBy('e.id', 'desc')
      .executeTakeFirstOrThrow();
    const closed = await read(done.code);
    expect(closed).toMatchObject({ status: 'closed', agency_responsible: done.name, updated_datetime: `${new Date(done.closed_at!.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00` });
    expect(closed.expected_datetime).toMatch(open311Time);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const document = (await t.app.inject({ url: '/api/docs/json' })).json();
    for (const path of ['/open311/v2/services.{format}', '/open311/v2/services/{service_code}.{format}', '/open311/v2/requests.{format}', '/open311/v2/requests/{service_request_id}.{format}', '/open311/discovery.{format}', '/api/open311/services/{code}/attributes']) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.paths['/open311/v2/requests.{format}'].post.requestBody.content['application/x-www-form-urlencoded'].schema.properties.api_key).toBeDefined();
    expect(document.paths['/open311/v2/requests.{format}'].get.responses['200']).toBeDefined();
  });
});
