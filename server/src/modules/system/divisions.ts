import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB, Division, DivisionLevel } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type DataScope } from '../../auth/actor.ts';
import { withinScope } from '../../auth/scope-filter.ts';
import { AppError, alreadyExists, invalidReference, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { StringEnum } from '../../http/pagination.ts';

/**
 * Division codes: GB/T 2260 county (6 digits) + town (3, GB/T 10114) + village/community (3) + unit-grid
 * sequence (2) = 14 digits for a grid. The level follows from the length.
 */
const levelByLength: Record<number, DivisionLevel> = { 6: 'county', 9: 'town', 12: 'village', 14: 'grid' };
const childLength: Record<number, number> = { 6: 9, 9: 12, 12: 14 };

export function divisionLevel(code: string): DivisionLevel | undefined {
  return /^[0-9]+$/.test(code) ? levelByLength[code.length] : undefined;
}

/** True when `code` is a valid direct child code of `parentCode` (one level down, same prefix). */
export function isChildCode(parentCode: string, code: string): boolean {
  return childLength[parentCode.length] === code.length && code.startsWith(parentCode) && /^[0-9]+$/.test(code) && !/^0+$/.test(code.slice(parentCode.length));
}

const DivisionView = Type.Object({ code: Type.String(), parentCode: Type.Union([Type.String(), Type.Null()]), name: Type.String(), level: StringEnum(['county', 'town', 'village', 'grid']), sort: Type.Integer() });
const CreateDivisionBody = Type.Object(
  { code: Type.String({ pattern: '^[0-9]{9}([0-9]{3}([0-9]{2})?)?$' }), parentCode: Type.String({ pattern: '^[0-9]{6,12}$' }), name: Type.String({ minLength: 1, maxLength: 64 }), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) },
  { additionalProperties: false },
);
const UpdateDivisionBody = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) },
  { additionalProperties: false, minProperties: 1 },
);
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{6,14}$' }) });

type Db = Kysely<DB> | Transaction<DB>;
const divisionsRepo = {
  subtree: (db: Db, scope: DataScope) => db.selectFrom('division').selectAll().where(withinScope('code', scope)).orderBy('code').execute(),
  find: (db: Db, code: string) => db.selectFrom('division').selectAll().where('code', '=', code).executeTakeFirst(),
  insert: (db: Db, row: { code: string; parent_code: string; name: string; level: DivisionLevel; sort: number }) => db.insertInto('division').values(row).returningAll().executeTakeFirstOrThrow(),
  update: (db: Db, code: string, changes: { name?: string; sort?: number }) =>
    db.updateTable('division').set({ ...changes, updated_at: sql`now()` }).where('code', '=', code).returningAll().executeTakeFirstOrThrow(),
};

const present = (d: Division) => ({ code: d.code, parentCode: d.parent_code, name: d.name, level: d.level, sort: d.sort });

async function createDivision(request: FastifyRequest, body: Static<typeof CreateDivisionBody>) {
  const actor = actorOf(request);
  if (!divisionInScope(actor.scope, body.parentCode)) throw invalidReference('/parentCode');
  if (!isChildCode(body.parentCode, body.code)) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/code', code: 'pattern' }]);
  }
  return runCommand(request, async (trx, audit) => {
    if (!(await divisionsRepo.find(trx, body.parentCode))) throw invalidReference('/parentCode');
    if (await divisionsRepo.find(trx, body.code)) throw alreadyExists('division', body.code);
    const row = await divisionsRepo.insert(trx, { code: body.code, parent_code: body.parentCode, name: body.name, level: divisionLevel(body.code)!, sort: body.sort ?? 0 });
    audit({ action: 'system:division:create', entityType: 'division', entityId: row.code, divisionCode: row.code, after: present(row) });
    return present(row);
  });
}

async function updateDivision(request: FastifyRequest, code: string, body: Static<typeof UpdateDivisionBody>) {
  const actor = actorOf(request);
  if (!divisionInScope(actor.scope, code)) throw notFound();
  return runCommand(request, async (trx, audit) => {
    const before = await divisionsRepo.find(trx, code);
    if (!before) throw notFound();
    const after = await divisionsRepo.update(trx, code, body);
    audit({ action: 'system:division:update', entityType: 'division', entityId: code, divisionCode: code, before: present(before), after: present(after) });
    return present(after);
  });
}

export const divisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: divisions'];
  app.get('/api/system/divisions', { config: { permission: 'system:division:read' }, schema: { tags, summary: 'My division subtree (flat, parentCode links)', response: { 200: Type.Object({ items: Type.Array(DivisionView) }) } } }, async (request) => ({
    items: (await divisionsRepo.subtree(app.db, actorOf(request).scope)).map(present),
  }));
  app.post('/api/system/divisions', { config: { permission: 'system:division:create' }, schema: { tags, summary: 'Create a child division', body: CreateDivisionBody, response: { 201: DivisionView } } }, async (request, reply) =>
    reply.code(201).send(await createDivision(request, request.body)),
  );
  app.patch('/api/system/divisions/:code', { config: { permission: 'system:division:update' }, schema: { tags, summary: 'Rename or reorder a division', params: CodeParams, body: UpdateDivisionBody, response: { 200: DivisionView } } }, (request) =>
    updateDivision(request, request.params.code, request.body),
  );
};
