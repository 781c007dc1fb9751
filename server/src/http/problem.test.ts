import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/test-app.ts';
import { escapeCell } from '../lib/xlsx-export.ts';
import { splitSqlStatements } from '../db/sql-split.ts';

describe('bad input answers application/problem+json with a stable code and named fields', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp({ bodyLimitBytes: 4096 });
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  const createOrg = (payload: string | object, headers: Record<string, string> = {}) =>
    t.as(admin, { method: 'POST', url: '/api/system/organizations', payload, headers: { 'content-type': 'application/json', ...headers } });

  it('malformed JSON', async () => {
    const response = await createOrg('{"name": ');
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON', type: 'urn:gongzhi:problem:malformed-json' });
  });

  it('unknown fields, missing fields and wrong types, each named', async () => {
    const response = await createOrg({ name: 7, kind: 'department', divisionCode: '330203103', extra: true });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const byField = Object.fromEntries(body.fields.map((f: { field: string; code: string }) => [f.field, f.code]));
    expect(byField).toMatchObject({ '/extra': 'additionalProperties', '/code': 'required', '/parentId': 'required', '/name': 'type' });
  });

  it('messages in the caller language: zh-CN by default, English on request', async () => {
    const zh = (await createOrg({ name: 'x', code: 'X1', parentId: null, kind: 'nonsense', divisionCode: '330203103' })).json();
    expect(zh.detail).toBe('请求参数不正确，请检查标出的字段');
    expect(zh.fields[0]).toMatchObject({ field: '/kind', code: 'enum' });
    expect(zh.fields[0].message).toContain('取值应为');
    const en = (await createOrg({ name: 'x', code: 'X1', parentId: null, kind: 'nonsense', divisionCode: '330203103' }, { 'accept-language': 'en-US,en;q=0.9' })).json();
    expect(en.detail).toBe('The request is invalid; check the fields listed');
    expect(en.fields[0].message).toContain('must be one of');
  });

  it('query strings are validated too', async () => {
    const response = await t.as(admin, { method: 'GET', url: '/api/system/users?pageSize=100000&status=gone' });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['/querystring/pageSize', '/querystring/status']);
  });

  it('oversize bodies', async () => {
    const response = await createOrg({ name: 'x'.repeat(10_000), code: 'BIG', parentId: null, kind: 'department', divisionCode: '330203103' });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('BODY_TOO_LARGE');
  });

  it('unknown endpoints and duplicates', async () => {
    expect((await t.as(admin, { method: 'GET', url: '/api/nope' })).json().code).toBe('ROUTE_NOT_FOUND');
    const body = { name: '重复', code: 'DUP', parentId: null, kind: 'department', divisionCode: '330203103' };
    expect((await createOrg(body)).statusCode).toBe(201);
    const again = await createOrg(body);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'ALREADY_EXISTS', detail: '组织已存在：DUP' });
  });

  it('serves the OpenAPI document with every API route', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/system/users', '/api/system/users/{id}', '/api/files']));
  });
});

describe('small pure helpers', () => {
  it('escapes spreadsheet formulas', () => {
    expect(escapeCell('=1+1')).toBe(`'=1+1`);
    expect(escapeCell('+86 138')).toBe(`'+86 138`);
    expect(escapeCell('-5')).toBe(`'-5`);
    expect(escapeCell('@SUM')).toBe(`'@SUM`);
    expect(escapeCell('plain')).toBe('plain');
    expect(escapeCell(-5)).toBe(-5);
  });

  it('splits migrations into statements, respecting quotes, comments and $$ bodies', () => {
    const statements = splitSqlStatements(`
      -- a comment; with a semicolon
      CREATE TABLE a (x text DEFAULT 'a;b');
      /* block; comment */
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'x;y'; END; $$;
      SELECT "odd;name" FROM a`);
    expect(statements).toHaveLength(3);
    expect(statements[1]).toContain(`RAISE EXCEPTION 'x;y'; END; $$`);
    expect(statements[2]).toBe('SELECT "odd;name" FROM a');
  });
});
