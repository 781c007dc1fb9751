import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type Actor } from '../../auth/actor.ts';
import { grants } from '../../auth/permissions.ts';
import { hashPassword, meetsPasswordPolicy, passwordMinLength } from '../../auth/passwords.ts';
import { AppError, alreadyExists, invalidReference, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { UsersRepository, type UserRow } from './users.repo.ts';
import type { CreateUserBody, UpdateUserBody, UserListQuery, UserView } from './users.schema.ts';

const repo = new UsersRepository();

export function presentUser(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    divisionCode: row.division_code,
    divisionName: row.division_name,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    status: row.status,
    locale: row.locale,
    roles: row.roles,
    lastLoginAt: row.last_login_at?.toISOString() ?? null,
    lockedUntil: row.locked_until && row.locked_until.getTime() > Date.now() ? row.locked_until.toISOString() : null,
    createdAt: row.created_at.toISOString(),
  };
}

/** A snapshot of the audited fields of a user (never the password hash). */
const auditView = (row: UserRow) => ({
  username: row.username,
  display_name: row.display_name,
  division_code: row.division_code,
  organization_id: row.organization_id,
  status: row.status,
  locale: row.locale,
  roles: row.roles,
});

function checkPassword(password: string, username: string) {
  if (!meetsPasswordPolicy(password, username)) {
    throw new AppError('PASSWORD_POLICY', 400, { minLength: passwordMinLength }, [{ field: '/password', code: 'PASSWORD_POLICY', params: { minLength: passwordMinLength } }]);
  }
}

/** Division and organisation must exist and lie inside the actor's scope; roles must exist and grant nothing the actor lacks. */
async function checkPlacement(trx: Transaction<DB>, actor: Actor, placement: { divisionCode?: string; organizationId?: number | null; roles?: string[] }) {
  if (placement.divisionCode !== undefined) {
    if (!divisionInScope(actor.scope, placement.divisionCode)) throw new AppError('OUT_OF_SCOPE', 400, { field: '/divisionCode' }, [{ field: '/divisionCode', code: 'OUT_OF_SCOPE' }]);
    if (!(await repo.divisionExists(trx, placement.divisionCode))) throw invalidReference('/divisionCode');
  }
  if (placement.organizationId) {
    const org = await repo.organization(trx, placement.organizationId);
    if (!org || !divisionInScope(actor.scope, org.division_code)) throw invalidReference('/organizationId');
  }
  if (placement.roles === undefined) return undefined;
  const roles = await repo.rolesByCode(trx, placement.roles);
  if (roles.length !== placement.roles.length) throw invalidReference('/roles');
  for (const role of roles) {
    const excess = role.permissions.find((p) => !grants(actor.permissions, p));
    if (excess) throw new AppError('FORBIDDEN', 403, { permission: excess });
  }
  return roles.map((r) => r.id);
}

export async function listUsers(request: FastifyRequest, query: UserListQuery) {
  const window = pageWindow(query);
  const { total, items } = await repo.list(request.server.db, actorOf(request).scope, query, window);
  return { items: items.map(presentUser), total, page: window.page, pageSize: window.pageSize };
}

export async function getUser(request: FastifyRequest, id: number) {
  const row = await repo.findVisible(request.server.db, actorOf(request).scope, id);
  if (!row) throw notFound();
  return presentUser(row);
}

export async function createUser(request: FastifyRequest, body: CreateUserBody) {
  const actor = actorOf(request);
  checkPassword(body.password, body.username);
  const passwordHash = await hashPassword(body.password);
  const row = await runCommand(request, async (trx, audit) => {
    const roleIds = (await checkPlacement(trx, actor, body)) ?? [];
    if (await repo.usernameTaken(trx, body.username)) throw alreadyExists('user', body.username);
    const { id } = await repo.insert(trx, {
      username: body.username,
      display_name: body.displayName,
      password_hash: passwordHash,
      division_code: body.divisionCode,
      organization_id: body.organizationId,
      locale: body.locale ?? 'zh-CN',
    });
    await repo.setRoles(trx, id, roleIds);
    const created = await repo.findById(trx, id);
    audit({ action: 'system:user:create', entityType: 'user', entityId: id, divisionCode: created.division_code, after: auditView(created) });
    return created;
  });
  return presentUser(row);
}

export async function updateUser(request: FastifyRequest, id: number, body: UpdateUserBody) {
  const actor = actorOf(request);
  const passwordHash = body.password === undefined ? undefined : await hashPasswordFor(request, id, body.password);
  const row = await runCommand(request, async (trx, audit) => {
    const before = await repo.findVisible(trx, actor.scope, id);
    if (!before) throw notFound();
    const roleIds = await checkPlacement(trx, actor, body);
    await repo.update(trx, id, {
      display_name: body.displayName,
      division_code: body.divisionCode,
      organization_id: body.organizationId,
      status: body.status,
      locale: body.locale,
      ...(passwordHash ? { password_hash: passwordHash, password_changed_at: new Date(), failed_logins: 0, locked_until: null } : {}),
    });
    if (roleIds) await repo.setRoles(trx, id, roleIds);
    const after = await repo.findById(trx, id);
    audit({
      action: 'system:user:update',
      entityType: 'user',
      entityId: id,
      divisionCode: after.division_code,
      before: { ...auditView(before), ...(passwordHash ? { password_hash: 'old' } : {}) },
      after: { ...auditView(after), ...(passwordHash ? { password_hash: 'new' } : {}) },
    });
    return after;
  });
  // Roles, scope or status may have changed: cached sessions must be rebuilt; a disabled user is signed out.
  await request.server.auth.invalidateUser(id, row.status === 'disabled' || passwordHash !== undefined);
  return presentUser(row);
}

async function hashPasswordFor(request: FastifyRequest, id: number, password: string) {
  const target = await repo.findVisible(request.server.db, actorOf(request).scope, id);
  if (!target) throw notFound();
  checkPassword(password, target.username);
  return hashPassword(password);
}
