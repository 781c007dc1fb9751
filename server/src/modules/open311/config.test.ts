import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { expandTokenScopes } from '../permission-catalog.ts';

/** Admins edit the service attributes (the GeoReport v2 service definitions) and the discovery contact. */
describe('Open311 configuration', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;

  const services = async () => (await t.app.inject({ url: '/open311/v2/services.json' })).json() as { service_code: string; metadata: boolean }[];
  const definition = async (code: string) => (await t.app.inject({ url: `/open311/v2/services/${code}.json` })).json();
  const create = (body: Record<string, unknown>, code = 'E0101', session = admin) => t.as(session, { method: 'POST', url: `/api/open311/services/${code}/attributes`, payload: body });
  const fields = (response: { json(): { fields: { field: string; code: string }[] } }) => response.json().fields.map((f) => `${f.field} ${f.code}`);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    command = await t.login('command');
  });
  afterAll(() => t.close());

  it('adds, changes and removes attributes, and services follow', async () => {
    expect((await services()).find((s) => s.service_code === 'E0101')?.metadata).toBe(false);
    const created = await create({ code: 'floors', datatype: 'number', required: true, order: 1, description: '违建层数', descriptionEn: 'Storeys', datatypeDescription: '整数' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ categoryCode: 'E0101', code: 'floors', variable: true, datatype: 'number', required: true, order: 1, description: '违建层数', descriptionEn: 'Storeys', values: [] });
    const kind = await create({ code: 'kind', datatype: 'singlevaluelist', order: 2, description: '类型', values: [{ key: 'roof', name: '屋顶加层', nameEn: 'Rooftop' }, { key: 'yard', name: '院内搭建' }] });
    expect(kind.statusCode).toBe(201);
    expect((await services()).find((s) => s.service_code === 'E0101')?.metadata).toBe(true);
    expect((await definition('E0101')).attributes.map((a: { code: string }) => a.code)).toEqual(['floors', 'kind']);

    // Reorder: kind first.
    const id = created.json().id;
    expect((await t.as(admin, { method: 'PATCH', url: `/api/open311/attributes/${id}`, payload: { order: 3 } })).statusCode).toBe(200);
    const changed = await t.as(admin, { method: 'PATCH', url: `/api/open311/attributes/${kind.json().id}`, payload: { order: 1, required: true } });
    expect(changed.json()).toMatchObject({ order: 1, required: true, values: [{ key: 'roof', name: '屋顶加层', nameEn: 'Rooftop' }, { key: 'yard', name: '院内搭建' }] });
    expect((await definition('E0101')).attributes.map((a: { code: string; order: number }) => [a.order, a.code])).toEqual([
      [1, 'kind'],
      [3, 'floors'],
    ]);
    expect((await t.as(command, { method: 'GET', url: '/api/open311/services/E0101/attributes' })).json().items.map((a: { code: string }) => a.code)).toEqual(['kind', 'floors']);

    for (const attribute of [id, kind.json().id]) expect((await t.as(admin, { method: 'DELETE', url: `/api/open311/attributes/${attribute}` })).statusCode).toBe(204);
    expect((await services()).find((s) => s.service_code === 'E0101')?.metadata).toBe(false);
    const audit = await t.app.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'open311_attribute').orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['open311:attribute:create', 'open311:attribute:create', 'open311:attribute:update', 'open311:attribute:update', 'open311:attribute:delete', 'open311:attribute:delete']);
  });

  it('refuses definitions that break the spec and changes nothing', async () => {
    expect(fields(await create({ code: 'a', datatype: 'singlevaluelist', order: 5, description: '无选项' }))).toEqual(['/values OPEN311_OPTIONS_REQUIRED']);
    expect(fields(await create({ code: 'a', datatype: 'string', order: 5, description: '文本', values: [{ key: 'x', name: 'X' }] }))).toEqual(['/values OPEN311_OPTIONS_NOT_ALLOWED']);
    expect(fields(await create({ code: 'a', datatype: 'multivaluelist', order: 5, description: '重复', values: [{ key: 'x', name: 'X' }, { key: 'x', name: 'Y' }] }))).toEqual(['/values/1/key OPEN311_OPTION_DUPLICATE']);
    expect(fields(await create({ code: 'a', datatype: 'text', variable: false, required: true, order: 5, description: '说明' }))).toEqual(['/required OPEN311_REQUIRED_INFO']);
    expect(fields(await create({ code: 'a', datatype: 'date', order: 5, description: '日期' }))).toEqual(['/datatype enum']);
    expect(fields(await create({ code: 'bad code', datatype: 'string', order: 0, description: '' }))).toEqual(expect.arrayContaining(['/code pattern', '/order minimum', '/description minLength']));
    expect(fields(await create({ code: 'a', datatype: 'string', order: 1, description: '顺序重复' }, 'E0505'))).toEqual(['/order OPEN311_ORDER_TAKEN']);
    const taken = await create({ code: 'blocking', datatype: 'string', order: 9, description: '代码重复' }, 'E0505');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('ALREADY_EXISTS');
    expect((await create({ code: 'a', datatype: 'string', order: 1, description: '无此类别' }, 'E0999')).statusCode).toBe(404);
    const blocking = await t.app.db.selectFrom('open311_attribute').select('id').where('category_code', '=', 'E0505').where('code', '=', 'blocking').executeTakeFirstOrThrow();
    expect(fields(await t.as(admin, { method: 'PATCH', url: `/api/open311/attributes/${blocking.id}`, payload: { datatype: 'string' } }))).toEqual(['/values OPEN311_OPTIONS_NOT_ALLOWED']);
    expect((await t.as(admin, { method: 'PATCH', url: '/api/open311/attributes/999999', payload: { order: 7 } })).statusCode).toBe(404);
    expect((await definition('E0505')).attributes.map((a: { code: string; datatype: string }) => `${a.code}:${a.datatype}`)).toEqual(['blocking:singlevaluelist', 'plate:string', 'vehicles:number']);
    expect((await definition('E0101')).attributes).toEqual([]);
  });

  it('lets only county-level admins change the configuration; the command center reads it', async () => {
    expect((await create({ code: 'x', datatype: 'string', order: 9, description: '无权' }, 'E0101', command)).statusCode).toBe(403);
    expect((await t.as(command, { method: 'PUT', url: '/api/open311/discovery', payload: { contact: 'x', keyService: 'y' } })).statusCode).toBe(403);
    expect((await t.as(command, { method: 'GET', url: '/api/open311/discovery' })).statusCode).toBe(200);
    expect((await t.as(await t.login('dept'), { method: 'GET', url: '/api/open311/services/E0505/attributes' })).statusCode).toBe(403);
  });

  it('tells partners in discovery what the admin wrote', async () => {
    const body = { contact: '古林镇综合指挥室 0574-88000000', keyService: '发邮件至 open311@example.gov.cn 申请 api_key' };
    expect((await t.as(admin, { method: 'PUT', url: '/api/open311/discovery', payload: body })).json()).toEqual(body);
    expect((await t.app.inject({ url: '/open311/discovery.json' })).json()).toMatchObject({ contact: body.contact, key_service: body.keyService });
  });

  it('expands the open311 token scope to what a partner needs and refuses unknown scopes', () => {
    expect(expandTokenScopes(['open311'])).toEqual(['open311:request:create']);
    expect(expandTokenScopes(['open311', 'open311:request:create', 'event:case:read'])).toEqual(['open311:request:create', 'event:case:read']);
    expect(() => expandTokenScopes(['open312'])).toThrow(/unknown scope "open312"/);
  });
});
