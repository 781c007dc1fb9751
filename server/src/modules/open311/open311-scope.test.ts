import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { pointIn } from '../../../test/event-fixtures.ts';
import { partnerKey, postRequest } from './test-support.ts';

/**
 * Every parameterised Open311 route. A key bound to village A: village B's requests answer 404 like
 * missing ones and its reports cannot land in B; the deployment-wide configuration answers 403 to a
 * village-level admin; routes that serve the same to everyone (discovery, services) say so.
 */
const villageA = '330203103201';
const gridOfB = '33020310320201';

describe('Open311 data scope', () => {
  let t: TestApp;
  let a: Session;
  let keyA = '';
  let ofB = '';
  let attribute = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    keyA = await partnerKey(t.app, villageA);
    const keyB = await partnerKey(t.app, gridOfB.slice(0, 12));
    const point = await pointIn(t.app, gridOfB);
    ofB = (await postRequest(t, { api_key: keyB, service_code: 'E0101', lat: String(point.lat), long: String(point.lng) })).json()[0].service_request_id;
    attribute = (await t.app.db.selectFrom('open311_attribute').select('id').where('category_code', '=', 'E0505').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.close());

  const outOfScope = () => [
    { method: 'GET' as const, url: `/open311/v2/requests/${ofB}.json?api_key=${keyA}` },
    { method: 'GET' as const, url: `/open311/v2/requests/${ofB}.xml?api_key=${keyA}` },
    { method: 'GET' as const, url: '/open311/v2/tokens/abc.json' },
  ];
  const deploymentWide = () => [
    { method: 'GET' as const, url: '/api/open311/services/E0505/attributes' },
    { method: 'POST' as const, url: '/api/open311/services/E0505/attributes', payload: { code: 'x', datatype: 'string', order: 9, description: '越权' } },
    { method: 'PATCH' as const, url: `/api/open311/attributes/${attribute}`, payload: { description: '越权' } },
    { method: 'DELETE' as const, url: `/api/open311/attributes/${attribute}` },
  ];
  const sameForEveryone = () => ['/open311/discovery.json', '/open311/v2/discovery.json', '/open311/v2/services.json', '/open311/v2/services/E0505.json'];

  it('covers every parameterised Open311 route', () => {
    const probes = [...outOfScope(), ...deploymentWide(), ...sameForEveryone().map((url) => ({ method: 'GET', url }))];
    const covered = probes.map(
      (p) =>
        `${p.method} ${p.url
          .replace(/\?.*$/, '')
          .replace(/\.(json|xml)$/, '.:format')
          .replace(ofB, ':service_request_id')
          .replace('/tokens/abc', '/tokens/:token')
          .replace('/v2/services/E0505.', '/v2/services/:service_code.')
          .replace('/services/E0505/', '/services/:code/')
          .replace(/\/(\d+)$/, '/:id')}`,
    );
    // parameterisedRoutes lists routes with a /:param segment; `services.:format` and the like have none.
    expect(parameterisedRoutes(t, ['/open311/', '/api/open311/']).sort()).toEqual([...new Set(covered.filter((route) => route.includes('/:')))].sort());
  });

  it("answers 404 for village B's requests to village A's key, and keeps A's reports out of B", async () => {
    for (const probe of outOfScope()) expect({ route: probe.url, status: (await t.app.inject(probe)).statusCode }).toEqual({ route: probe.url, status: 404 });
    expect((await t.app.inject({ url: `/open311/v2/requests.json?api_key=${keyA}&service_request_id=${ofB}` })).json()).toEqual([]);
    const point = await pointIn(t.app, gridOfB);
    expect((await postRequest(t, { api_key: keyA, service_code: 'E0101', lat: String(point.lat), long: String(point.lng) })).statusCode).toBe(400);
    expect(await t.app.db.selectFrom('event').select('code').where('division_code', 'like', `${gridOfB.slice(0, 12)}%`).where('source', '=', 'public').where('reporter_user_id', 'is', null).orderBy('id', 'desc').executeTakeFirst()).toEqual({ code: ofB });
  });

  it('answers 403 to a village-level admin on the deployment-wide configuration and changes nothing', async () => {
    for (const probe of deploymentWide().slice(1)) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 403 });
    }
    // Reading is the same for every level (the service definitions are public anyway).
    expect((await t.as(a, deploymentWide()[0]!)).statusCode).toBe(200);
    expect(await t.app.db.selectFrom('open311_attribute').select(['description']).where('id', '=', attribute).executeTakeFirst()).toEqual({ description: '堵塞了什么' });
  });

  it('serves discovery and services the same to every caller', async () => {
    for (const url of sameForEveryone()) {
      const anonymous = await t.app.inject({ url });
      const withKey = await t.app.inject({ url: `${url}?api_key=${keyA}` });
      expect(anonymous.statusCode).toBe(200);
      expect(withKey.body).toBe(anonymous.body);
    }
  });
});
