import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../test/test-app.ts';
import { diffChanges } from './audit.ts';

describe('diffChanges', () => {
  it('keeps changed fields only and never the value of a secret', () => {
    expect(diffChanges({ a: 1, b: 2, password_hash: 'x' }, { a: 1, b: 3, password_hash: 'y' })).toEqual({ b: { from: 2, to: 3 }, password_hash: { to: '(changed)' } });
    expect(diffChanges(null, { a: 1 })).toEqual({ a: { to: 1 } });
  });
});

describe('audit trail', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  it('records who, when, from where and the before/after of each change in the same transaction', async () => {
    const created = await t.as(admin, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'audited', displayName: '审计对象', password: 'Audit-Me-2026', divisionCode: '330203103203', organizationId: null, roles: ['grid_worker'] },
      headers: { 'user-agent': 'audit-test' },
    });
    const id = created.json().id;
    await t.as(admin, { method: 'PATCH', url: `/api/system/users/${id}`, payload: { displayName: '新名字', password: 'Another-Pass-2026' } });
    const rows = await t.app.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'user').where('entity_id', '=', String(id)).orderBy('id').execute();
    expect(rows.map((r) => r.action)).toEqual(['system:user:create', 'system:user:update']);
    expect(rows[0]!.actor_name).toBe('系统管理员');
    expect(rows[0]!.user_agent).toBe('audit-test');
    expect(rows[0]!.ip).toBeTruthy();
    expect(rows[0]!.division_code).toBe('330203103203');
    expect(rows[0]!.changes).toMatchObject({ username: { to: 'audited' }, roles: { to: ['grid_worker'] } });
    expect(rows[1]!.changes).toEqual({ display_name: { from: '审计对象', to: '新名字' }, password_hash: { to: '(changed)' } });
    expect(JSON.stringify(rows)).not.toContain('Audit-Me-2026');
  });

  it('is append-only: the database refuses updates and deletes', async () => {
    await expect(sql`UPDATE audit_log SET actor_name = 'forged'`.execute(t.app.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.app.db)).rejects.toThrow(/append-only/);
  });

  it('leaves no record and no change when a command fails half-way', async () => {
    const before = await t.app.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const response = await t.as(admin, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'halfway', displayName: 'x', password: 'Audit-Me-2026', divisionCode: '330203103203', organizationId: null, roles: ['grid_worker', 'no_such_role'] },
    });
    expect(response.json().code).toBe('INVALID_REFERENCE');
    const after = await t.app.db.selectFrom('audit_log').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect(await t.app.db.selectFrom('app_user').select('id').where('username', '=', 'halfway').executeTakeFirst()).toBeUndefined();
  });

  it('is searchable and exportable to XLSX with formula-looking text defused', async () => {
    await t.as(admin, { method: 'PATCH', url: '/api/system/divisions/330203103204', payload: { name: '=HYPERLINK("http://x")' } });
    const page = (await t.as(admin, { method: 'GET', url: '/api/system/audit?entityType=division&entityId=330203103204' })).json();
    expect(page.total).toBe(1);
    expect(page.items[0].changes.name).toEqual({ from: '茂新村', to: '=HYPERLINK("http://x")' });
    const reversed = await t.as(admin, { method: 'GET', url: '/api/system/audit?from=2026-12-01T00:00:00Z&to=2026-01-01T00:00:00Z' });
    expect(reversed.json().code).toBe('VALIDATION_FAILED');
    const exported = await t.as(admin, { method: 'GET', url: '/api/system/audit/export?entityType=division' });
    expect(exported.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(exported.rawPayload as unknown as ArrayBuffer);
    const cells = workbook.worksheets[0]!.getRow(2).values as unknown[];
    expect(cells.some((c) => typeof c === 'string' && c.startsWith(`'`) && c.includes('HYPERLINK'))).toBe(false);
    expect(cells.find((c) => typeof c === 'string' && c.includes('HYPERLINK'))).toMatch(/^\{/);
  });

  it('lets only holders of the audit permission read it', async () => {
    const grid = await t.login('grid');
    expect((await t.as(grid, { method: 'GET', url: '/api/system/audit' })).statusCode).toBe(403);
    const auditor = await t.login('auditor');
    expect((await t.as(auditor, { method: 'GET', url: '/api/system/audit' })).statusCode).toBe(200);
    const logins = (await t.as(auditor, { method: 'GET', url: '/api/system/login-log?username=admin' })).json();
    expect(logins.items[0]).toMatchObject({ username: 'admin', success: true, reason: 'ok' });
  });

  it('audits revealing nothing it should not: the login log holds no passwords', async () => {
    await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'Secret-Typed-Wrong1' } });
    const rows = await t.app.db.selectFrom('login_log').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('Secret-Typed-Wrong1');
  });
});
