import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB, Role } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { coversCounty } from '../../auth/actor.ts';
import { grants, isKnownPermission } from '../../auth/permissions.ts';
import { permissionCatalog } from '../permission-catalog.ts';
import { AppError, alreadyExists, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { IdParams, StringEnum } from '../../http/pagination.ts';

// ---- schema
const DataScope = StringEnum(['division', 'grid', 'organization', 'self']);
const Permissions = Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9-]+):(\\*|[a-z-]+):(\\*|[a-z-]+)$' }), { maxItems: 300, uniqueItems: true });
const RoleView = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  nameZh: Type.String(),
  nameEn: Type.String(),
  dataScope: DataScope,
  permissions: Type.Array(Type.String()),
  builtin: Type.Boolean(),
});
const CreateRoleBody = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,31}$' }),
    nameZh: Type.String({ minLength: 1, maxLength: 32 }),
    nameEn: Type.String({ minLength: 1, maxLength: 64 }),
    dataScope: DataScope,
    permissions: Permissions,
  },
  { additionalProperties: false },
);
const UpdateRoleBody = Type.Object(
  {
    nameZh: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    dataScope: Type.Optional(DataScope),
    permissions: Type.Optional(Permissions),
  },
  { additionalProperties: false, minProperties: 1 },
);

// ---- repository
type Db = Kysely<DB> | Transaction<DB>;
const rolesRepo = {
  list: (db: Db) => db.selectFrom('role').selectAll().orderBy('id').execute(),
  find: (db: Db, id: number) => db.selectFrom('role').selectAll().where('id', '=', id).executeTakeFirst(),
  codeTaken: (db: Db, code: string) => db.selectFrom('role').select('id').where('code', '=', code).executeTakeFirst().then(Boolean),
  insert: (db: Db, role: { code: string; name_zh: string; name_en: string; data_scope: Role['data_scope']; permissions: string[] }) =>
    db.insertInto('role').values(role).returningAll().executeTakeFirstOrThrow(),
  update: (db: Db, id: number, changes: Partial<Pick<Role, 'name_zh' | 'name_en' | 'data_scope' | 'permissions'>>) =>
    db.updateTable('role').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  memberIds: (db: Db, roleId: number) => db.selectFrom('user_role').select('user_id').where('role_id', '=', roleId).execute(),
};

// ---- service
const present = (r: Role) => ({ id: r.id, code: r.code, nameZh: r.name_zh, nameEn: r.name_en, dataScope: r.data_scope, permissions: r.permissions, builtin: r.builtin });
const auditView = (r: Role) => ({ code: r.code, name_zh: r.name_zh, name_en: r.name_en, data_scope: r.data_scope, permissions: r.permissions });

/**
 * Roles are shared by every tenant (town) of a deployment, so only a county-level administrator may
 * define them. Unknown codes are refused, and nobody can hand out a permission they do not hold.
 */
function checkRoleEditor(request: FastifyRequest, permissions: string[]) {
  const actor = actorOf(request);
  if (!coversCounty(actor.scope)) throw new AppError('FORBIDDEN', 403, { permission: 'system:role:* (county level)' });
  permissions.forEach((code, i) => {
    if (!isKnownPermission(code, permissionCatalog)) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: `/permissions/${i}`, code: 'pattern' }]);
    if (!grants(actor.permissions, code)) throw new AppError('FORBIDDEN', 403, { permission: code });
  });
}

async function createRole(request: FastifyRequest, body: Static<typeof CreateRoleBody>) {
  checkRoleEditor(request, body.permissions);
  return runCommand(request, async (trx, audit) => {
    if (await rolesRepo.codeTaken(trx, body.code)) throw alreadyExists('role', body.code);
    const role = await rolesRepo.insert(trx, { code: body.code, name_zh: body.nameZh, name_en: body.nameEn, data_scope: body.dataScope, permissions: body.permissions });
    audit({ action: 'system:role:create', entityType: 'role', entityId: role.id, after: auditView(role) });
    return present(role);
  });
}

async function updateRole(request: FastifyRequest, id: number, body: Static<typeof UpdateRoleBody>) {
  checkRoleEditor(request, body.permissions ?? []);
  const { role, members } = await runCommand(request, async (trx, audit) => {
    const before = await rolesRepo.find(trx, id);
    if (!before) throw notFound();
    const after = await rolesRepo.update(trx, id, { name_zh: body.nameZh, name_en: body.nameEn, data_scope: body.dataScope, permissions: body.permissions });
    audit({ action: 'system:role:update', entityType: 'role', entityId: id, before: auditView(before), after: auditView(after) });
    return { role: after, members: await rolesRepo.memberIds(trx, id) };
  });
  for (const m of members) await request.server.auth.invalidateUser(m.user_id);
  return present(role);
}

// ---- routes
export const roleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: roles'];
  app.get('/api/system/roles', { config: { permission: 'system:role:read' }, schema: { tags, summary: 'All roles', response: { 200: Type.Object({ items: Type.Array(RoleView) }) } } }, async () => ({
    items: (await rolesRepo.list(app.db)).map(present),
  }));
  // Whoever manages users needs the roles they may hand out, even without system:role:read.
  app.get('/api/system/roles/assignable', { schema: { tags, summary: 'Roles I may assign (none of their permissions exceeds mine)', response: { 200: Type.Object({ items: Type.Array(RoleView) }) } } }, async (request) => {
    const actor = actorOf(request);
    if (!grants(actor.permissions, 'system:user:create') && !grants(actor.permissions, 'system:user:update')) throw new AppError('FORBIDDEN', 403, { permission: 'system:user:create' });
    const roles = await rolesRepo.list(app.db);
    return { items: roles.filter((r) => r.permissions.every((p) => grants(actor.permissions, p))).map(present) };
  });
  app.get('/api/system/permissions', { config: { permission: 'system:role:read' }, schema: { tags, summary: 'Permission codes that exist', response: { 200: Type.Object({ items: Type.Array(Type.String()) }) } } }, async () => ({
    items: [...permissionCatalog],
  }));
  app.post('/api/system/roles', { config: { permission: 'system:role:create' }, schema: { tags, summary: 'Create a role', body: CreateRoleBody, response: { 201: RoleView } } }, async (request, reply) =>
    reply.code(201).send(await createRole(request, request.body)),
  );
  app.patch('/api/system/roles/:id', { config: { permission: 'system:role:update' }, schema: { tags, summary: 'Change a role', params: IdParams, body: UpdateRoleBody, response: { 200: RoleView } } }, (request) =>
    updateRole(request, request.params.id, request.body),
  );
};
