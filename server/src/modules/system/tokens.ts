import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { sql, type Kysely, type Transaction } from 'kysely';
import { Type, type Static } from 'typebox';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import type { DataScope } from '../../auth/actor.ts';
import { withinScope } from '../../auth/scope-filter.ts';
import { grants } from '../../auth/permissions.ts';
import { issueApiToken } from '../../auth/api-tokens.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { IdParams, Page, PageQuery, pageWindow } from '../../http/pagination.ts';

const TokenView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  tokenPrefix: Type.String(),
  scopes: Type.Array(Type.String()),
  divisionCode: Type.String(),
  createdAt: Type.String(),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});
const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    scopes: Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9-]+):(\\*|[a-z-]+):(\\*|[a-z-]+)$' }), { minItems: 1, maxItems: 50, uniqueItems: true }),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

type Db = Kysely<DB> | Transaction<DB>;
type TokenRow = Awaited<ReturnType<typeof issueApiToken>>['row'];
const tokensRepo = {
  page: async (db: Db, scope: DataScope, limit: number, offset: number) => {
    const base = db.selectFrom('api_token').where(withinScope('division_code', scope));
    const [count, items] = await Promise.all([
      base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      base.selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    ]);
    return { total: count.n, items };
  },
  findVisible: (db: Db, scope: DataScope, id: number) =>
    db.selectFrom('api_token').selectAll().where('id', '=', id).where(withinScope('division_code', scope)).executeTakeFirst(),
  revoke: (db: Db, id: number) => db.updateTable('api_token').set({ revoked_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),
};

const present = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  tokenPrefix: t.token_prefix,
  scopes: t.scopes,
  divisionCode: t.division_code,
  createdAt: t.created_at.toISOString(),
  expiresAt: t.expires_at?.toISOString() ?? null,
  lastUsedAt: t.last_used_at?.toISOString() ?? null,
  revokedAt: t.revoked_at?.toISOString() ?? null,
});

async function createToken(request: FastifyRequest, body: Static<typeof CreateTokenBody>) {
  const actor = actorOf(request);
  for (const scope of body.scopes) if (!grants(actor.permissions, scope)) throw new AppError('FORBIDDEN', 403, { permission: scope });
  const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/expiresAt', code: 'minimum', params: { limit: new Date().toISOString() } }]);
  return runCommand(request, async (trx, audit) => {
    const { token, row } = await issueApiToken(trx, { name: body.name, scopes: body.scopes, divisionCode: actor.divisionCode, createdBy: actor.id, expiresAt });
    audit({ action: 'system:token:create', entityType: 'token', entityId: row.id, divisionCode: row.division_code, after: { name: row.name, scopes: row.scopes, token_prefix: row.token_prefix, expires_at: row.expires_at } });
    return { token, ...present(row) };
  });
}

async function revokeToken(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  return runCommand(request, async (trx, audit) => {
    const before = await tokensRepo.findVisible(trx, actor.scope, id);
    if (!before) throw notFound();
    if (before.revoked_at) return present(before);
    const after = await tokensRepo.revoke(trx, id);
    audit({ action: 'system:token:revoke', entityType: 'token', entityId: id, divisionCode: after.division_code, before: { revoked_at: null }, after: { revoked_at: after.revoked_at } });
    return present(after);
  });
}

export const tokenRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: API tokens'];
  app.get('/api/system/tokens', { config: { permission: 'system:token:read' }, schema: { tags, summary: 'API tokens of my division', querystring: PageQuery, response: { 200: Page(TokenView) } } }, async (request) => {
    const window = pageWindow(request.query);
    const { total, items } = await tokensRepo.page(app.db, actorOf(request).scope, window.limit, window.offset);
    return { items: items.map(present), total, page: window.page, pageSize: window.pageSize };
  });
  app.post(
    '/api/system/tokens',
    { config: { permission: 'system:token:create' }, schema: { tags, summary: 'Issue a machine token (the plaintext is returned once)', body: CreateTokenBody, response: { 201: Type.Intersect([TokenView, Type.Object({ token: Type.String() })]) } } },
    async (request, reply) => reply.code(201).send(await createToken(request, request.body)),
  );
  app.post('/api/system/tokens/:id/revoke', { config: { permission: 'system:token:revoke' }, schema: { tags, summary: 'Revoke a token', params: IdParams, response: { 200: TokenView } } }, (request) =>
    revokeToken(request, request.params.id),
  );
};
