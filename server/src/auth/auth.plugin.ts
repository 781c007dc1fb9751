import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { AppError, forbidden } from '../http/errors.ts';
import { grants } from './permissions.ts';
import { apiTokenPrefix } from './auth.service.ts';

export const sessionCookie = 'gz_session';
const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Authenticates every /api route that is not marked public, then checks the route's permission.
 * Cookie sessions must echo their CSRF token in `X-CSRF-Token` on writes; bearer API tokens need not.
 */
export const authPlugin = fp(async (app) => {
  app.addHook('onRequest', async (request) => {
    // The OpenAPI document describes the API and holds no data: it is readable without signing in.
    if (!request.url.startsWith('/api/') || request.url.startsWith('/api/docs')) return;
    const config = request.routeOptions.config;
    if (config?.public) return;
    request.actor = await authenticate(request);
    if (request.actor.type === 'user' && unsafeMethods.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== request.actor.csrfToken) throw new AppError('CSRF_FAILED', 403);
    }
    const permission = config?.permission;
    if (permission && !grants(request.actor.permissions, permission)) {
      throw request.actor.type === 'token' ? new AppError('TOKEN_SCOPE', 403, { scope: permission }) : forbidden(permission);
    }
  });
});

async function authenticate(request: FastifyRequest) {
  const language = request.headers['accept-language'];
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) {
    const token = authorization.slice('Bearer '.length).trim();
    if (!token.startsWith(apiTokenPrefix)) throw new AppError('TOKEN_INVALID', 401);
    return request.server.auth.authenticateToken(token, language);
  }
  const sessionToken = request.cookies[sessionCookie];
  if (!sessionToken) throw new AppError('NOT_AUTHENTICATED', 401);
  return request.server.auth.authenticateSession(sessionToken, language);
}

/** The signed-in actor of an authenticated route (the auth hook guarantees it). */
export function actorOf(request: FastifyRequest) {
  if (!request.actor) throw new AppError('NOT_AUTHENTICATED', 401);
  return request.actor;
}
