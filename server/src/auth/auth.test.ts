import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { grants } from './permissions.ts';
import { meetsPasswordPolicy } from './passwords.ts';

describe('permission codes', () => {
  it('match exactly or through * segments', () => {
    expect(grants(['system:user:read'], 'system:user:read')).toBe(true);
    expect(grants(['system:user:read'], 'system:user:create')).toBe(false);
    expect(grants(['system:*:read'], 'system:role:read')).toBe(true);
    expect(grants(['*:*:*'], 'event:case:dispatch')).toBe(true);
    expect(grants(['system:user'], 'system:user:read')).toBe(false);
  });
});

describe('password policy', () => {
  it('needs length, three character classes and no username inside', () => {
    expect(meetsPasswordPolicy('Gongzhi@2026', 'admin')).toBe(true);
    expect(meetsPasswordPolicy('short1A!', 'admin')).toBe(false);
    expect(meetsPasswordPolicy('alllowercaseletters', 'admin')).toBe(false);
    expect(meetsPasswordPolicy('Admin@2026xyz', 'admin')).toBe(false);
  });
});

describe('sign-in, sessions and CSRF', () => {
  let t: TestApp;
  let clock = Date.now();
  beforeAll(async () => {
    t = await createTestApp({ loginMaxFailures: 3, lockoutMinutes: 15, sessionIdleMinutes: 30 }, { now: () => clock });
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, lang = 'zh-CN') =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, headers: { 'accept-language': lang } });

  it('signs in and sets an httpOnly session cookie', async () => {
    const response = await login('command', 'Gongzhi@2026');
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'gz_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const me = await t.as({ cookie: `gz_session=${cookie.value}`, csrfToken: '' }, { method: 'GET', url: '/api/auth/me' });
    expect(me.json().user.username).toBe('command');
    expect(me.json().permissions).toContain('system:user:read');
  });

  it('answers a wrong password and an unknown user with the same error', async () => {
    const wrong = await login('leader', 'Wrong@password1');
    const unknown = await login('nobody', 'Wrong@password1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
    expect(unknown.json().code).toBe('INVALID_CREDENTIALS');
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(wrong.json().detail).toBe('用户名或密码错误');
    expect((await login('leader', 'Wrong@password1', 'en')).json().detail).toBe('Wrong username or password');
  });

  it('locks the account after repeated failures, even for the right password, until the lockout ends', async () => {
    await login('fund', 'Wrong@password1');
    await login('fund', 'Wrong@password1');
    const third = await login('fund', 'Wrong@password1');
    expect(third.statusCode).toBe(423);
    expect(third.json().code).toBe('ACCOUNT_LOCKED');
    const right = await login('fund', 'Gongzhi@2026');
    expect(right.json().code).toBe('ACCOUNT_LOCKED');
    clock += 16 * 60_000;
    expect((await login('fund', 'Gongzhi@2026')).statusCode).toBe(200);
    const log = await t.app.db.selectFrom('login_log').select(['reason', 'success']).where('username', '=', 'fund').orderBy('id').execute();
    expect(log.map((l) => l.reason)).toEqual(['wrong_password', 'wrong_password', 'wrong_password_locked', 'locked', 'ok']);
  });

  it('refuses a disabled account with its own error', async () => {
    const admin = await t.login('admin');
    const user = await t.app.db.selectFrom('app_user').select('id').where('username', '=', 'auditor').executeTakeFirstOrThrow();
    expect((await t.as(admin, { method: 'PATCH', url: `/api/system/users/${user.id}`, payload: { status: 'disabled' } })).statusCode).toBe(200);
    const response = await login('auditor', 'Gongzhi@2026');
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('ACCOUNT_DISABLED');
  });

  it('expires a session after the idle timeout and says so', async () => {
    const session = await t.login('leader');
    expect((await t.as(session, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    clock += 31 * 60_000;
    const expired = await t.as(session, { method: 'GET', url: '/api/auth/me' });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().code).toBe('SESSION_EXPIRED');
  });

  it('answers in the saved language when a request names none, whichever request loaded the session', async () => {
    const session = await t.login('village');
    const problem = (headers: Record<string, string>) => t.as(session, { method: 'GET', url: '/api/events/999999', headers });
    // The cache (re)loads on a request asking for English…
    clock += 6_000;
    expect((await problem({ 'accept-language': 'en' })).json().detail).toMatch(/[a-z]/);
    // …yet the next request without a language gets the saved one (Chinese).
    expect((await problem({})).json().detail).toBe('记录不存在或无权查看');
  });

  it('requires a session, then the CSRF token on writes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/system/users' })).json().code).toBe('NOT_AUTHENTICATED');
    const admin = await t.login('admin');
    const body = { name: 'probe', parentId: null, code: 'PROBE', kind: 'department', divisionCode: '330203103' };
    const noToken = await t.as({ cookie: admin.cookie, csrfToken: '' }, { method: 'POST', url: '/api/system/organizations', payload: body, headers: { 'x-csrf-token': '' } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('CSRF_FAILED');
    const wrongToken = await t.as(admin, { method: 'POST', url: '/api/system/organizations', payload: body, headers: { 'x-csrf-token': 'forged' } });
    expect(wrongToken.json().code).toBe('CSRF_FAILED');
    expect((await t.as(admin, { method: 'POST', url: '/api/system/organizations', payload: body })).statusCode).toBe(201);
  });

  it('refuses a route without the permission, naming it', async () => {
    const grid = await t.login('grid');
    const response = await t.as(grid, { method: 'GET', url: '/api/system/users' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('FORBIDDEN');
    expect(response.json().detail).toContain('system:user:read');
  });

  it('signs out: the cookie stops working', async () => {
    const session = await t.login('village');
    expect((await t.as(session, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    expect((await t.as(session, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
  });

  it('a new sign-in ends the older session of the same account (no concurrent logins)', async () => {
    const first = await t.login('dept');
    await t.login('dept');
    expect((await t.as(first, { method: 'GET', url: '/api/auth/me' })).json().code).toBe('SESSION_EXPIRED');
  });

  it('changes the own password under the policy', async () => {
    const session = await t.login('v201');
    const weak = await t.as(session, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'Gongzhi@2026', newPassword: 'weak' } });
    expect(weak.json().code).toBe('PASSWORD_POLICY');
    expect(weak.json().fields[0].field).toBe('/newPassword');
    const ok = await t.as(session, { method: 'POST', url: '/api/auth/password', payload: { currentPassword: 'Gongzhi@2026', newPassword: 'New-Passw0rd!' } });
    expect(ok.statusCode).toBe(204);
    expect((await login('v201', 'New-Passw0rd!')).statusCode).toBe(200);
  });
});

describe('API tokens for machines', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('issues a scoped token that works without CSRF, is limited to its scopes, and stops after revocation', async () => {
    const admin = await t.login('admin');
    const created = await t.as(admin, { method: 'POST', url: '/api/system/tokens', payload: { name: 'video analytics', scopes: ['system:division:read'] } });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^gzt_/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/system/divisions', headers: bearer })).statusCode).toBe(200);
    const outOfScope = await t.app.inject({ method: 'GET', url: '/api/system/users', headers: bearer });
    expect(outOfScope.statusCode).toBe(403);
    expect(outOfScope.json().code).toBe('TOKEN_SCOPE');
    const stored = await t.app.db.selectFrom('api_token').select('token_hash').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(token);
    expect((await t.as(admin, { method: 'POST', url: `/api/system/tokens/${id}/revoke` })).statusCode).toBe(200);
    // Token lookups are cached for a few seconds; a fresh app sees the revocation at once.
    t.app.auth['tokens'].clear();
    expect((await t.app.inject({ method: 'GET', url: '/api/system/divisions', headers: bearer })).json().code).toBe('TOKEN_INVALID');
  });

  it('cannot hand a token more than its creator holds', async () => {
    const village = await t.login('village');
    const response = await t.as(village, { method: 'POST', url: '/api/system/tokens', payload: { name: 'x', scopes: ['*:*:*'] } });
    expect(response.statusCode).toBe(403);
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ loginRatePerMinute: 3 });
  });
  afterAll(() => t.close());

  it('answers 429 problem+json with Retry-After after too many attempts', async () => {
    const attempt = () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x', password: 'y' } });
    for (let i = 0; i < 3; i++) expect((await attempt()).statusCode).toBe(401);
    const limited = await attempt();
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
  });
});
