import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type DataScope } from '../../auth/actor.ts';
import { AppError, invalidReference, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { responsibilityGridsRepo as repo, type ResponsibilityGridRow } from './responsibility-grids.repo.ts';
import type { CreateResponsibilityGridBody, ResponsibilityGridQuery, ResponsibilityGridView, UpdateResponsibilityGridBody } from './grids.schema.ts';

export function presentResponsibilityGrid(row: ResponsibilityGridRow): ResponsibilityGridView {
  const user = (id: number | null, username: string | null, displayName: string | null) => (id === null ? null : { id, username: username ?? '', displayName: displayName ?? '' });
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    villageCode: row.village_code,
    villageName: row.village_name,
    primaryUser: user(row.primary_user_id, row.primary_username, row.primary_display_name),
    backupUser: user(row.backup_user_id, row.backup_username, row.backup_display_name),
    unitGridCodes: row.unit_grid_codes,
    updatedAt: row.updated_at.toISOString(),
  };
}

const auditView = (row: ResponsibilityGridRow) => ({
  code: row.code,
  name: row.name,
  village_code: row.village_code,
  primary_user_id: row.primary_user_id,
  backup_user_id: row.backup_user_id,
  unit_grid_codes: row.unit_grid_codes,
});

export async function listResponsibilityGrids(request: FastifyRequest, query: ResponsibilityGridQuery) {
  const window = pageWindow(query);
  const { total, items } = await repo.list(request.server.db, actorOf(request).scope, query, window);
  return { items: items.map(presentResponsibilityGrid), total, page: window.page, pageSize: window.pageSize };
}

export async function getResponsibilityGrid(request: FastifyRequest, id: number) {
  const row = await repo.findVisible(request.server.db, actorOf(request).scope, id);
  if (!row) throw notFound();
  return presentResponsibilityGrid(row);
}

/**
 * The rules of a binding: unit grids of the grid's own village, none already held by another
 * responsibility grid (409), newly set workers who are active users inside the actor's scope.
 */
async function checkBinding(
  trx: Transaction<DB>,
  scope: DataScope,
  binding: { id?: number; villageCode: string; primaryUserId?: number | null; backupUserId?: number | null; unitGridCodes?: string[] },
) {
  if (binding.unitGridCodes) {
    const known = await repo.unitGridsOf(trx, binding.villageCode, binding.unitGridCodes);
    if (binding.unitGridCodes.some((code) => !known.has(code))) throw invalidReference('/unitGridCodes');
    const taken = (await repo.owners(trx, binding.unitGridCodes)).find((owner) => owner.id !== binding.id);
    if (taken) throw new AppError('UNIT_GRID_TAKEN', 409, { unitGridCode: taken.unit_grid_code, responsibilityGridCode: taken.code });
  }
  for (const field of ['primaryUserId', 'backupUserId'] as const) {
    const id = binding[field];
    if (id && !(await repo.activeUserInScope(trx, scope, id))) throw invalidReference(`/${field}`);
  }
}

/**
 * A grid worker's data scope is the unit grids of the responsibility grids they serve: the sessions of
 * everyone who served or now serves these grids reload it, on every node (the cluster bus topic
 * `sessions`).
 */
async function reloadWorkerScopes(request: FastifyRequest, rows: ResponsibilityGridRow[]) {
  const workers = new Set(rows.flatMap((r) => [r.primary_user_id, r.backup_user_id]).filter((id) => id !== null));
  for (const id of workers) await request.server.auth.invalidateUser(id);
}

/** 双岗 means two people: the backup may be missing, never the primary again. */
function checkTwoPeople(primaryUserId: number | null, backupUserId: number | null) {
  if (primaryUserId !== null && primaryUserId === backupUserId) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/backupUserId', code: 'SAME_AS_PRIMARY' }]);
  }
}

export async function createResponsibilityGrid(request: FastifyRequest, body: CreateResponsibilityGridBody) {
  const scope = actorOf(request).scope;
  if (!divisionInScope(scope, body.villageCode)) throw invalidReference('/villageCode');
  checkTwoPeople(body.primaryUserId, body.backupUserId);
  const row = await runCommand(request, async (trx, audit) => {
    if (!(await repo.village(trx, body.villageCode))) throw invalidReference('/villageCode');
    if (await repo.codeTaken(trx, body.code)) throw new AppError('ALREADY_EXISTS', 409, { entity: 'responsibility_grid', value: body.code });
    await checkBinding(trx, scope, body);
    const id = await repo.insert(trx, { code: body.code, name: body.name, village_code: body.villageCode, primary_user_id: body.primaryUserId, backup_user_id: body.backupUserId });
    await repo.setUnits(trx, id, body.unitGridCodes);
    const created = await repo.findById(trx, id);
    audit({ action: 'map:responsibility-grid:create', entityType: 'responsibility_grid', entityId: id, divisionCode: created.village_code, after: auditView(created) });
    return created;
  });
  await request.server.grids.changed(request.server.db);
  await reloadWorkerScopes(request, [row]);
  return presentResponsibilityGrid(row);
}

export async function updateResponsibilityGrid(request: FastifyRequest, id: number, body: UpdateResponsibilityGridBody) {
  const scope = actorOf(request).scope;
  const { before, row } = await runCommand(request, async (trx, audit) => {
    const before = await repo.findManaged(trx, scope, id);
    if (!before) throw notFound();
    checkTwoPeople(body.primaryUserId === undefined ? before.primary_user_id : body.primaryUserId, body.backupUserId === undefined ? before.backup_user_id : body.backupUserId);
    await checkBinding(trx, scope, { id, villageCode: before.village_code, ...body });
    await repo.update(trx, id, { name: body.name, primary_user_id: body.primaryUserId, backup_user_id: body.backupUserId });
    if (body.unitGridCodes) await repo.setUnits(trx, id, body.unitGridCodes);
    const after = await repo.findById(trx, id);
    audit({ action: 'map:responsibility-grid:update', entityType: 'responsibility_grid', entityId: id, divisionCode: after.village_code, before: auditView(before), after: auditView(after) });
    return { before, row: after };
  });
  await request.server.grids.changed(request.server.db);
  await reloadWorkerScopes(request, [before, row]);
  return presentResponsibilityGrid(row);
}
