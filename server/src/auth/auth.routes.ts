import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AppError } from '../http/errors.ts';
import { runCommand } from '../http/command.ts';
import { actorOf, sessionCookie } from './auth.plugin.ts';
import { ChangePasswordBody, LoginBody, Me } from './auth.schema.ts';
import { hashPassword, meetsPasswordPolicy, passwordMinLength, verifyPassword } from './passwords.ts';

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const client = (request: { ip: string; headers: Record<string, unknown> }) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });

  app.post(
    '/api/auth/login',
    {
      config: { public: true, rateLimit: { max: app.config.loginRatePerMinute, timeWindow: 60_000 } },
      schema: { tags: ['auth'], summary: 'Sign in with username and password', body: LoginBody, response: { 200: Type.Object({ csrfToken: Type.String(), expiresAt: Type.String() }) } },
    },
    async (request, reply) => {
      const { token, csrfToken, expiresAt } = await app.auth.login(request.body.username, request.body.password, client(request));
      // The login log is this write's audit record.
      request.audited = true;
      reply.setCookie(sessionCookie, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: app.config.secureCookies,
        expires: expiresAt,
      });
      return { csrfToken, expiresAt: expiresAt.toISOString() };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out', response: { 204: Type.Null() } } }, async (request, reply) => {
    const token = request.cookies[sessionCookie];
    const actor = actorOf(request);
    if (token) await app.auth.logout(token, { userId: actor.id, username: actor.name }, client(request));
    // The login log records sign-outs too: it is this write's audit record.
    request.audited = true;
    reply.clearCookie(sessionCookie, { path: '/' });
    return reply.code(204).send(null);
  });

  // Served from the session cache: no database round trip.
  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The signed-in user, permissions and CSRF token', response: { 200: Me } } }, async (request) => {
    const actor = actorOf(request);
    if (actor.type !== 'user') throw new AppError('NOT_AUTHENTICATED', 401);
    return {
      user: {
        id: actor.id,
        username: actor.username,
        displayName: actor.name,
        divisionCode: actor.divisionCode,
        divisionName: actor.divisionName,
        organizationId: actor.organizationId,
        organizationName: actor.organizationName,
        roles: actor.roles,
        locale: actor.savedLocale,
      },
      permissions: actor.permissions,
      dataScope: actor.scope.kind,
      scopeDivisionCodes: actor.scope.divisionCodes,
      csrfToken: actor.csrfToken ?? '',
      sessionIdleMinutes: app.config.sessionIdleMinutes,
    };
  });

  app.post(
    '/api/auth/password',
    { schema: { tags: ['auth'], summary: 'Change my password', body: ChangePasswordBody, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const actor = actorOf(request);
      const user = await app.db.selectFrom('app_user').select(['id', 'username', 'password_hash']).where('id', '=', actor.id).executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw new AppError('INVALID_CREDENTIALS', 400, {}, [{ field: '/currentPassword', code: 'INVALID_CREDENTIALS' }]);
      }
      if (!meetsPasswordPolicy(request.body.newPassword, user.username)) {
        throw new AppError('PASSWORD_POLICY', 400, { minLength: passwordMinLength }, [{ field: '/newPassword', code: 'PASSWORD_POLICY', params: { minLength: passwordMinLength } }]);
      }
      const passwordHash = await hashPassword(request.body.newPassword);
      await runCommand(request, async (trx, audit) => {
        await trx.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: new Date() }).where('id', '=', actor.id).execute();
        audit({ action: 'system:user:password', entityType: 'user', entityId: actor.id, divisionCode: actor.divisionCode, before: { password_hash: 'x' }, after: { password_hash: 'y' } });
      });
      return reply.code(204).send(null);
    },
  );
};
