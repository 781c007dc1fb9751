import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { issueApiToken } from '../../auth/api-tokens.ts';
import { multipart, multipartHeaders, testPng } from '../../../test/fixtures.ts';

/**
 * A user whose scope is village A (薛家村) must not read or change village B's (岳童村) records through
 * any route, even holding every permission. Out-of-scope ids answer 404, exactly like missing ones.
 */
const villageA = '330203103201';
const villageB = '330203103202';

describe('data scope across every route with an id', () => {
  let t: TestApp;
  let a: Session;
  const b = { userId: 0, organizationId: 0, tokenId: 0, fileId: 0 };

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    const created = await t.as(admin, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] },
    });
    expect(created.statusCode).toBe(201);
    a = await t.login('a_superuser', 'Scope-Test-2026');

    const db = t.app.db;
    b.userId = (await db.selectFrom('app_user').select('id').where('username', '=', 'v202').executeTakeFirstOrThrow()).id;
    b.organizationId = (await db.selectFrom('organization').select('id').where('code', '=', `GF-${villageB}`).executeTakeFirstOrThrow()).id;
    b.tokenId = (await issueApiToken(db, { name: 'B camera', scopes: ['file:file:read'], divisionCode: villageB, createdBy: null, expiresAt: null })).row.id;
    const bSession = await t.login('v202');
    const upload = await t.as(bSession, {
      method: 'POST',
      url: '/api/files',
      payload: multipart('photo.png', await testPng()),
      headers: multipartHeaders,
    });
    expect(upload.statusCode).toBe(201);
    b.fileId = upload.json().id;
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'GET' as const, url: `/api/system/users/${b.userId}` },
    { method: 'PATCH' as const, url: `/api/system/users/${b.userId}`, payload: { displayName: '改名' } },
    { method: 'PATCH' as const, url: `/api/system/divisions/${villageB}`, payload: { name: '改名' } },
    { method: 'PATCH' as const, url: `/api/system/organizations/${b.organizationId}`, payload: { name: '改名' } },
    { method: 'POST' as const, url: `/api/system/tokens/${b.tokenId}/revoke` },
    { method: 'GET' as const, url: `/api/files/${b.fileId}` },
    { method: 'GET' as const, url: `/api/files/${b.fileId}/content` },
    { method: 'GET' as const, url: `/api/files/${b.fileId}/thumbnail` },
  ];

  it('covers every parameterised system and file route (each module checks its own the same way)', () => {
    const routes = parameterisedRoutes(t, ['/api/system/', '/api/files/']);
    // Roles are deployment-wide: a village-level actor gets 403 there (tested below), not 404.
    const covered = [...probes(), { method: 'PATCH', url: '/api/system/roles/1' }].map((p) => `${p.method} ${p.url.replace(villageB, ':code').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(routes.sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for B records on every such route and changes nothing', async () => {
    for (const probe of probes()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404 });
      expect(response.json().code).toBe('NOT_FOUND');
    }
    const division = await t.app.db.selectFrom('division').select('name').where('code', '=', villageB).executeTakeFirstOrThrow();
    expect(division.name).toBe('岳童村');
    const token = await t.app.db.selectFrom('api_token').select('revoked_at').where('id', '=', b.tokenId).executeTakeFirstOrThrow();
    expect(token.revoked_at).toBeNull();
  });

  it('cannot change the deployment-wide roles from a village', async () => {
    const response = await t.as(a, { method: 'PATCH', url: '/api/system/roles/1', payload: { nameZh: '改名' } });
    expect(response.statusCode).toBe(403);
  });

  it('lists only A records', async () => {
    const users = (await t.as(a, { method: 'GET', url: '/api/system/users?pageSize=500' })).json();
    expect(users.total).toBeGreaterThan(0);
    expect(users.items.every((u: { divisionCode: string }) => u.divisionCode.startsWith(villageA))).toBe(true);
    const divisions = (await t.as(a, { method: 'GET', url: '/api/system/divisions' })).json().items;
    expect(divisions.every((d: { code: string }) => d.code.startsWith(villageA))).toBe(true);
    const organizations = (await t.as(a, { method: 'GET', url: '/api/system/organizations' })).json().items;
    expect(organizations.map((o: { code: string }) => o.code)).toEqual([`GF-${villageA}`]);
    const tokens = (await t.as(a, { method: 'GET', url: '/api/system/tokens' })).json();
    expect(tokens.total).toBe(0);
    const audit = (await t.as(a, { method: 'GET', url: '/api/system/audit?pageSize=500' })).json().items;
    expect(audit.every((r: { divisionCode: string | null }) => r.divisionCode?.startsWith(villageA))).toBe(true);
    const logins = (await t.as(a, { method: 'GET', url: '/api/system/login-log?pageSize=500' })).json().items;
    expect(logins.map((l: { username: string }) => l.username)).not.toContain('v202');
  });

  it('cannot place records in B or attach them to B', async () => {
    const intoB = await t.as(a, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'sneaky', displayName: 'x', password: 'Scope-Test-2026', divisionCode: villageB, organizationId: null, roles: [] },
    });
    expect(intoB.statusCode).toBe(400);
    expect(intoB.json().code).toBe('OUT_OF_SCOPE');
    const intoBOrg = await t.as(a, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'sneaky', displayName: 'x', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: b.organizationId, roles: [] },
    });
    expect(intoBOrg.json().code).toBe('INVALID_REFERENCE');
    const childOfB = await t.as(a, { method: 'POST', url: '/api/system/divisions', payload: { code: `${villageB}99`, parentCode: villageB, name: 'x' } });
    expect(childOfB.json().code).toBe('INVALID_REFERENCE');
    expect(await t.app.db.selectFrom('app_user').select('id').where('username', '=', 'sneaky').executeTakeFirst()).toBeUndefined();
  });

  it('a village admin cannot grant a role with powers it does not hold', async () => {
    const village = await t.login('village');
    const response = await t.as(village, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'escalate', displayName: 'x', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
  });

  it('an organisation-scoped handler sees only the users of its organisation subtree', async () => {
    const dept = await t.login('dept');
    const users = (await t.as(dept, { method: 'GET', url: '/api/system/users' })).json();
    // The department role lacks system:user:read: scope never widens permissions.
    expect(users.code).toBe('FORBIDDEN');
  });
});

describe('assignable roles', () => {
  it('lists for a user manager only the roles within their own permissions', async () => {
    const t = await createTestApp();
    try {
      const village = await t.login('village');
      const response = await t.as(village, { method: 'GET', url: '/api/system/roles/assignable' });
      const codes = response.json().items.map((r: { code: string }) => r.code);
      expect(codes).toContain('grid_worker');
      expect(codes).not.toContain('admin');
      const grid = await t.login('grid');
      expect((await t.as(grid, { method: 'GET', url: '/api/system/roles/assignable' })).statusCode).toBe(403);
    } finally {
      await t.close();
    }
  });
});
