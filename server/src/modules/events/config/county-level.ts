import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../../auth/auth.plugin.ts';
import { coversCounty } from '../../../auth/actor.ts';
import { AppError } from '../../../http/errors.ts';

/**
 * The catalogue, the 立结案标准 and the work calendar are shared by every town of a deployment (like
 * roles), so only a county-level actor changes them; a town or village actor gets 403 even with the
 * permission.
 */
export function checkCountyLevel(request: FastifyRequest, permission: string): void {
  if (!coversCounty(actorOf(request).scope)) throw new AppError('FORBIDDEN', 403, { permission: `${permission} (county level)` });
}
