import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql, type Kysely } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import type { DataScope } from '../../auth/actor.ts';
import { withinScopeOrDeployment } from '../../auth/scope-filter.ts';
import { AppError } from '../../http/errors.ts';
import { Page, PageQuery, pageWindow, StringEnum } from '../../http/pagination.ts';
import { buildXlsx, formatShanghai, xlsxMime } from '../../lib/xlsx-export.ts';

const exportRowLimit = 50_000;
const TimeRange = {
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
};
const AuditFilter = Type.Object({
  ...TimeRange,
  actorName: Type.Optional(Type.String({ maxLength: 64 })),
  action: Type.Optional(Type.String({ maxLength: 64 })),
  entityType: Type.Optional(Type.String({ maxLength: 32 })),
  entityId: Type.Optional(Type.String({ maxLength: 64 })),
});
const LoginFilter = Type.Object({
  ...TimeRange,
  username: Type.Optional(Type.String({ maxLength: 64 })),
  success: Type.Optional(StringEnum(['true', 'false'])),
});
type AuditFilter = Static<typeof AuditFilter>;
type LoginFilter = Static<typeof LoginFilter>;

const AuditView = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorType: Type.String(),
  actorName: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.Union([Type.String(), Type.Null()]),
  divisionCode: Type.Union([Type.String(), Type.Null()]),
  changes: Type.Record(Type.String(), Type.Unknown()),
});
const LoginView = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  username: Type.String(),
  success: Type.Boolean(),
  reason: Type.String(),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
});

function checkRange(filter: { from?: string; to?: string }) {
  if (filter.from && filter.to && new Date(filter.from) > new Date(filter.to)) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/to', code: 'minimum', params: { limit: filter.from } }]);
  }
}

/**
 * Audit records of the caller's division subtree. Records with no division (system-wide changes such
 * as roles) are visible to county-level auditors only.
 */
function auditQuery(db: Kysely<DB>, scope: DataScope, f: AuditFilter) {
  let q = db
    .selectFrom('audit_log')
    .where(withinScopeOrDeployment('division_code', scope));
  if (f.from) q = q.where('at', '>=', new Date(f.from));
  if (f.to) q = q.where('at', '<=', new Date(f.to));
  if (f.actorName) q = q.where('actor_name', '=', f.actorName);
  if (f.action) q = q.where('action', 'like', `${f.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  return q;
}

/** Sign-ins of users in the caller's division; failed attempts on unknown names only at county level. */
function loginQuery(db: Kysely<DB>, scope: DataScope, f: LoginFilter) {
  let q = db
    .selectFrom('login_log as l')
    .leftJoin('app_user as u', 'u.id', 'l.user_id')
    .where(withinScopeOrDeployment('u.division_code', scope, 'l.user_id'));
  if (f.from) q = q.where('l.at', '>=', new Date(f.from));
  if (f.to) q = q.where('l.at', '<=', new Date(f.to));
  if (f.username) q = q.where('l.username', '=', f.username);
  if (f.success) q = q.where('l.success', '=', f.success === 'true');
  return q;
}

interface AuditRow { id: number; at: Date; actor_type: string; actor_name: string; ip: string | null; action: string; entity_type: string; entity_id: string | null; division_code: string | null; changes: Record<string, unknown> }
const presentAudit = (r: AuditRow) => ({ id: r.id, at: r.at.toISOString(), actorType: r.actor_type, actorName: r.actor_name, ip: r.ip, action: r.action, entityType: r.entity_type, entityId: r.entity_id, divisionCode: r.division_code, changes: r.changes });
const auditColumns = ['id', 'at', 'actor_type', 'actor_name', 'ip', 'action', 'entity_type', 'entity_id', 'division_code', 'changes'] as const;
const loginColumns = ['l.id', 'l.at', 'l.username', 'l.success', 'l.reason', 'l.ip', 'l.user_agent'] as const;

export const logRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: logs'];
  app.get('/api/system/audit', { config: { permission: 'system:audit:read' }, schema: { tags, summary: 'Search the audit trail', querystring: Type.Intersect([PageQuery, AuditFilter]), response: { 200: Page(AuditView) } } }, async (request) => {
    checkRange(request.query);
    const window = pageWindow(request.query);
    const q = auditQuery(app.db, actorOf(request).scope, request.query);
    const [count, rows] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q.select(auditColumns).orderBy('id', 'desc').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { items: rows.map(presentAudit), total: count.n, page: window.page, pageSize: window.pageSize };
  });

  app.get('/api/system/audit/export', { config: { permission: 'system:audit:export' }, schema: { tags, summary: 'Export the audit trail (XLSX, newest 50,000)', querystring: AuditFilter } }, async (request, reply) => {
    checkRange(request.query);
    const rows = await auditQuery(app.db, actorOf(request).scope, request.query).select(auditColumns).orderBy('id', 'desc').limit(exportRowLimit).execute();
    const en = actorOf(request).locale === 'en';
    const body = await buildXlsx(en ? 'Audit' : '操作日志', [
      { header: en ? 'Time' : '时间', width: 20, value: (r: (typeof rows)[number]) => formatShanghai(r.at) },
      { header: en ? 'Actor' : '操作人', value: (r) => r.actor_name },
      { header: 'IP', value: (r) => r.ip },
      { header: en ? 'Action' : '操作', width: 26, value: (r) => r.action },
      { header: en ? 'Entity' : '对象类型', value: (r) => r.entity_type },
      { header: en ? 'Entity id' : '对象编号', value: (r) => r.entity_id },
      { header: en ? 'Division' : '区划', value: (r) => r.division_code },
      { header: en ? 'Changes' : '变更内容', width: 60, value: (r) => JSON.stringify(r.changes) },
    ], rows);
    return reply.type(xlsxMime).header('content-disposition', `attachment; filename="audit-${Date.now()}.xlsx"`).send(body);
  });

  app.get('/api/system/login-log', { config: { permission: 'system:login-log:read' }, schema: { tags, summary: 'Search the login log', querystring: Type.Intersect([PageQuery, LoginFilter]), response: { 200: Page(LoginView) } } }, async (request) => {
    checkRange(request.query);
    const window = pageWindow(request.query);
    const q = loginQuery(app.db, actorOf(request).scope, request.query);
    const [count, rows] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q.select(loginColumns).orderBy('l.id', 'desc').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { items: rows.map((r) => ({ id: r.id, at: r.at.toISOString(), username: r.username, success: r.success, reason: r.reason, ip: r.ip, userAgent: r.user_agent })), total: count.n, page: window.page, pageSize: window.pageSize };
  });

  app.get('/api/system/login-log/export', { config: { permission: 'system:login-log:read' }, schema: { tags, summary: 'Export the login log (XLSX, newest 50,000)', querystring: LoginFilter } }, async (request, reply) => {
    checkRange(request.query);
    const rows = await loginQuery(app.db, actorOf(request).scope, request.query).select(loginColumns).orderBy('l.id', 'desc').limit(exportRowLimit).execute();
    const en = actorOf(request).locale === 'en';
    const body = await buildXlsx(en ? 'Logins' : '登录日志', [
      { header: en ? 'Time' : '时间', width: 20, value: (r: (typeof rows)[number]) => formatShanghai(r.at) },
      { header: en ? 'Username' : '用户名', value: (r) => r.username },
      { header: en ? 'Result' : '结果', value: (r) => (r.success ? (en ? 'success' : '成功') : en ? 'failure' : '失败') },
      { header: en ? 'Reason' : '原因', value: (r) => r.reason },
      { header: 'IP', value: (r) => r.ip },
      { header: 'User-Agent', width: 40, value: (r) => r.user_agent },
    ], rows);
    return reply.type(xlsxMime).header('content-disposition', `attachment; filename="logins-${Date.now()}.xlsx"`).send(body);
  });
};
