import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../auth/actor.ts';
import { apiTokenPrefix } from '../../auth/auth.service.ts';
import { grants } from '../../auth/permissions.ts';
import { AppError } from '../../http/errors.ts';

/** The permission an Open311 api_key carries (`gongzhi token create --scope open311`). */
export const open311Permission = 'open311:request:create';

/**
 * The partner behind an `api_key`: a machine token (server/src/auth/api-tokens.ts) holding the open311
 * scope, bound to a division. Missing, unknown, expired, revoked or out-of-scope keys all answer 403,
 * as the spec asks. The token becomes the request's actor, so audit records name the partner.
 */
export async function keyActor(request: FastifyRequest, apiKey: string | undefined): Promise<Actor> {
  const refused = new AppError('OPEN311_API_KEY', 403);
  if (!apiKey?.startsWith(apiTokenPrefix)) throw refused;
  let actor: Actor;
  try {
    actor = await request.server.auth.authenticateToken(apiKey, request.headers['accept-language']);
  } catch (error) {
    if (error instanceof AppError && error.code === 'TOKEN_INVALID') throw refused;
    throw error;
  }
  if (!grants(actor.permissions, open311Permission)) throw refused;
  request.actor = actor;
  return actor;
}
