import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB, Organization, OrganizationKind } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type DataScope } from '../../auth/actor.ts';
import { scopeCondition } from '../../auth/scope-filter.ts';
import { alreadyExists, AppError, invalidReference, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { IdParams, StringEnum } from '../../http/pagination.ts';

export const organizationKinds = ['command_center', 'department', 'line', 'grid_force', 'auxiliary_force', 'law_enforcement', 'service'] as const;
const Kind = StringEnum(organizationKinds);
const OrganizationView = Type.Object({ id: Type.Integer(), parentId: Type.Union([Type.Integer(), Type.Null()]), code: Type.String(), name: Type.String(), kind: Kind, divisionCode: Type.String(), sort: Type.Integer() });
const CreateOrganizationBody = Type.Object(
  {
    parentId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{2,40}$' }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Kind,
    divisionCode: Type.String({ pattern: '^[0-9]{6,14}$' }),
    sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })),
  },
  { additionalProperties: false },
);
const UpdateOrganizationBody = Type.Object(
  { parentId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])), name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), kind: Type.Optional(Kind), sort: Type.Optional(Type.Integer({ minimum: 0, maximum: 100000 })) },
  { additionalProperties: false, minProperties: 1 },
);

type Db = Kysely<DB> | Transaction<DB>;
const inScope = (scope: DataScope) => scopeCondition(scope, { division: 'division_code', organization: 'id' });
const organizationsRepo = {
  list: (db: Db, scope: DataScope) => db.selectFrom('organization').selectAll().where(inScope(scope)).orderBy('sort').orderBy('id').execute(),
  findVisible: (db: Db, scope: DataScope, id: number) => db.selectFrom('organization').selectAll().where('id', '=', id).where(inScope(scope)).executeTakeFirst(),
  codeTaken: (db: Db, code: string) => db.selectFrom('organization').select('id').where('code', '=', code).executeTakeFirst().then(Boolean),
  divisionExists: (db: Db, code: string) => db.selectFrom('division').select('code').where('code', '=', code).executeTakeFirst().then(Boolean),
  insert: (db: Db, row: { parent_id: number | null; code: string; name: string; kind: OrganizationKind; division_code: string; sort: number }) =>
    db.insertInto('organization').values(row).returningAll().executeTakeFirstOrThrow(),
  update: (db: Db, id: number, changes: Partial<Pick<Organization, 'parent_id' | 'name' | 'kind' | 'sort'>>) =>
    db.updateTable('organization').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
  /** Ids of the organisation and everything below it (to refuse making a node its own ancestor). */
  subtreeIds: async (db: Db, id: number) =>
    (
      await sql<{ id: number }>`WITH RECURSIVE t AS (SELECT id FROM organization WHERE id = ${id} UNION ALL SELECT o.id FROM organization o JOIN t ON o.parent_id = t.id) SELECT id FROM t`.execute(db)
    ).rows.map((r) => r.id),
};

const present = (o: Organization) => ({ id: o.id, parentId: o.parent_id, code: o.code, name: o.name, kind: o.kind, divisionCode: o.division_code, sort: o.sort });

async function createOrganization(request: FastifyRequest, body: Static<typeof CreateOrganizationBody>) {
  const actor = actorOf(request);
  if (!divisionInScope(actor.scope, body.divisionCode)) throw new AppError('OUT_OF_SCOPE', 400, { field: '/divisionCode' }, [{ field: '/divisionCode', code: 'OUT_OF_SCOPE' }]);
  return runCommand(request, async (trx, audit) => {
    if (!(await organizationsRepo.divisionExists(trx, body.divisionCode))) throw invalidReference('/divisionCode');
    if (body.parentId !== null && !(await organizationsRepo.findVisible(trx, actor.scope, body.parentId))) throw invalidReference('/parentId');
    if (await organizationsRepo.codeTaken(trx, body.code)) throw alreadyExists('organization', body.code);
    const row = await organizationsRepo.insert(trx, { parent_id: body.parentId, code: body.code, name: body.name, kind: body.kind, division_code: body.divisionCode, sort: body.sort ?? 0 });
    audit({ action: 'system:organization:create', entityType: 'organization', entityId: row.id, divisionCode: row.division_code, after: present(row) });
    return present(row);
  });
}

async function updateOrganization(request: FastifyRequest, id: number, body: Static<typeof UpdateOrganizationBody>) {
  const actor = actorOf(request);
  return runCommand(request, async (trx, audit) => {
    const before = await organizationsRepo.findVisible(trx, actor.scope, id);
    if (!before) throw notFound();
    if (body.parentId !== undefined && body.parentId !== null) {
      if (!(await organizationsRepo.findVisible(trx, actor.scope, body.parentId))) throw invalidReference('/parentId');
      if ((await organizationsRepo.subtreeIds(trx, id)).includes(body.parentId)) throw invalidReference('/parentId');
    }
    const after = await organizationsRepo.update(trx, id, { parent_id: body.parentId, name: body.name, kind: body.kind, sort: body.sort });
    audit({ action: 'system:organization:update', entityType: 'organization', entityId: id, divisionCode: after.division_code, before: present(before), after: present(after) });
    return present(after);
  });
}

export const organizationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: organizations'];
  app.get('/api/system/organizations', { config: { permission: 'system:organization:read' }, schema: { tags, summary: 'Organisations in my scope (flat, parentId links)', response: { 200: Type.Object({ items: Type.Array(OrganizationView) }) } } }, async (request) => ({
    items: (await organizationsRepo.list(app.db, actorOf(request).scope)).map(present),
  }));
  app.post('/api/system/organizations', { config: { permission: 'system:organization:create' }, schema: { tags, summary: 'Create an organisation', body: CreateOrganizationBody, response: { 201: OrganizationView } } }, async (request, reply) =>
    reply.code(201).send(await createOrganization(request, request.body)),
  );
  app.patch('/api/system/organizations/:id', { config: { permission: 'system:organization:update' }, schema: { tags, summary: 'Change an organisation', params: IdParams, body: UpdateOrganizationBody, response: { 200: OrganizationView } } }, (request) =>
    updateOrganization(request, request.params.id, request.body),
  );
};
