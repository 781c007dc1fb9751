import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import type { ClusterBus } from '../db/cluster-bus.ts';
import { AppError } from '../http/errors.ts';
import { localeFromHeader, type Locale } from '../i18n/messages.ts';
import type { Actor } from './actor.ts';
import { collapsePrefixes, widestScope } from './actor.ts';
import { AuthRepository } from './auth.repo.ts';
import { timingSafeDummyVerify, verifyPassword } from './passwords.ts';

export const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');
const randomToken = (bytes = 32) => crypto.randomBytes(bytes).toString('base64url');

export const apiTokenPrefix = 'gzt_';

interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** What the other nodes must forget (the cluster bus topic `sessions`). */
type SessionChange = { userId: number } | { tokenHash: string };

interface CachedSession {
  actor: Actor;
  expiresAt: number;
  lastSeen: number;
  lastPersisted: number;
  loadedAt: number;
}

/**
 * Sessions are re-read from the database at most every few seconds and their last-seen time is written
 * at most once a minute: an authenticated read costs no database round trip. Sign-out, revocation and
 * changed roles reach the other API nodes over the cluster bus at once; were the bus down, the cache
 * would still expire within `cacheMillis`.
 */
const cacheMillis = 5_000;
const persistEveryMillis = 60_000;

export class AuthService {
  private readonly sessions = new Map<string, CachedSession>();
  private readonly tokens = new Map<string, { actor: Actor; loadedAt: number }>();

  constructor(
    private readonly repo: AuthRepository,
    private readonly config: Config,
    private readonly now: () => number = Date.now,
    private readonly bus?: ClusterBus,
  ) {
    bus?.on('sessions', (payload) => {
      const change = payload as SessionChange | null;
      if (change === null) this.sessions.clear();
      else if ('userId' in change) this.forgetUser(change.userId);
      else this.sessions.delete(change.tokenHash);
    });
  }

  /** Drops this node's cached sessions of a user, and tells the other nodes to. */
  private forgetUserEverywhere(userId: number) {
    this.forgetUser(userId);
    this.bus?.announce('sessions', { userId } satisfies SessionChange);
  }

  private forgetUser(userId: number) {
    for (const [hash, cached] of this.sessions) if (cached.actor.type === 'user' && cached.actor.id === userId) this.sessions.delete(hash);
  }

  async login(username: string, password: string, client: ClientInfo) {
    const log = (userId: number | null, success: boolean, reason: string) =>
      this.repo.logLogin({ username, userId, success, reason, ...client });
    const user = await this.repo.findUserByUsername(username);
    if (!user) {
      await timingSafeDummyVerify(password);
      await log(null, false, 'unknown_user');
      throw new AppError('INVALID_CREDENTIALS', 401);
    }
    if (user.locked_until && user.locked_until.getTime() > this.now()) {
      await log(user.id, false, 'locked');
      throw lockedError(user.locked_until, user.locale);
    }
    if (!(await verifyPassword(user.password_hash, password))) {
      const after = await this.repo.recordFailure(user.id, this.config.loginMaxFailures, this.config.lockoutMinutes);
      await log(user.id, false, after.locked_until && after.locked_until.getTime() > this.now() ? 'wrong_password_locked' : 'wrong_password');
      if (after.locked_until && after.locked_until.getTime() > this.now()) throw lockedError(after.locked_until, user.locale);
      throw new AppError('INVALID_CREDENTIALS', 401);
    }
    if (user.status !== 'active') {
      await log(user.id, false, 'disabled');
      throw new AppError('ACCOUNT_DISABLED', 403);
    }
    await this.repo.recordSuccess(user.id);
    const token = randomToken();
    const csrfToken = randomToken(24);
    const expiresAt = new Date(this.now() + this.config.sessionMaxHours * 3_600_000);
    await this.repo.createSession({ tokenHash: sha256(token), userId: user.id, csrfToken, ...client, createdAt: new Date(this.now()), expiresAt, single: true });
    await log(user.id, true, 'ok');
    // One session per account: the previous one ends here and on every other node.
    this.forgetUserEverywhere(user.id);
    return { token, csrfToken, expiresAt };
  }

  async logout(token: string, who: { userId: number; username: string }, client: ClientInfo) {
    const hash = sha256(token);
    this.sessions.delete(hash);
    await this.repo.revokeSession(hash);
    this.bus?.announce('sessions', { tokenHash: hash } satisfies SessionChange);
    await this.repo.logLogin({ username: who.username, userId: who.userId, success: true, reason: 'logout', ...client });
  }

  /** Drops cached sessions of a user after their roles, scope or status changed. */
  async invalidateUser(userId: number, revoke = false) {
    if (revoke) await this.repo.revokeUserSessions(userId);
    this.forgetUserEverywhere(userId);
  }

  async authenticateSession(token: string, acceptLanguage: string | undefined): Promise<Actor> {
    const hash = sha256(token);
    const now = this.now();
    const idleMillis = this.config.sessionIdleMinutes * 60_000;
    let cached = this.sessions.get(hash);
    if (!cached || now - cached.loadedAt > cacheMillis) {
      const session = await this.repo.findSession(hash);
      if (!session || session.revoked_at) {
        this.sessions.delete(hash);
        throw new AppError(session ? 'SESSION_EXPIRED' : 'NOT_AUTHENTICATED', 401);
      }
      const actor = await this.loadActor(session.user_id, acceptLanguage);
      if (!actor) throw new AppError('NOT_AUTHENTICATED', 401);
      const lastSeen = Math.max(session.last_seen_at.getTime(), cached?.lastSeen ?? 0);
      // Cached in the saved language: the Accept-Language of the request that happened to load it is not the user's.
      cached = { actor: { ...actor, locale: actor.savedLocale, csrfToken: session.csrf_token }, expiresAt: session.expires_at.getTime(), lastSeen, lastPersisted: lastSeen, loadedAt: now };
      this.sessions.set(hash, cached);
    }
    if (now > cached.expiresAt || now - cached.lastSeen > idleMillis) {
      this.sessions.delete(hash);
      await this.repo.revokeSession(hash);
      throw new AppError('SESSION_EXPIRED', 401);
    }
    cached.lastSeen = now;
    if (now - cached.lastPersisted > persistEveryMillis) {
      cached.lastPersisted = now;
      await this.repo.touchSession(hash, new Date(now));
    }
    return { ...cached.actor, locale: acceptLanguage ? localeFromHeader(acceptLanguage) : cached.actor.locale };
  }

  async authenticateToken(token: string, acceptLanguage: string | undefined): Promise<Actor> {
    const hash = sha256(token);
    const now = this.now();
    const cached = this.tokens.get(hash);
    if (cached && now - cached.loadedAt < cacheMillis) return { ...cached.actor, locale: localeFromHeader(acceptLanguage) };
    const row = await this.repo.findToken(hash);
    if (!row || row.revoked_at || (row.expires_at && row.expires_at.getTime() < now)) {
      this.tokens.delete(hash);
      throw new AppError('TOKEN_INVALID', 401);
    }
    await this.repo.touchToken(row.id);
    const actor: Actor = {
      type: 'token',
      id: row.id,
      name: row.name,
      username: row.token_prefix,
      divisionCode: row.division_code,
      divisionName: '',
      organizationId: null,
      organizationName: null,
      roles: [],
      permissions: row.scopes,
      scope: { kind: 'division', divisionCodes: [row.division_code], organizationIds: [], userId: null },
      locale: localeFromHeader(acceptLanguage),
      savedLocale: 'zh-CN',
    };
    this.tokens.set(hash, { actor, loadedAt: now });
    return actor;
  }

  async loadActor(userId: number, acceptLanguage?: string): Promise<Actor | undefined> {
    const context = await this.repo.loadUserContext(userId);
    if (!context || context.user.status !== 'active') return undefined;
    const { user } = context;
    const kind = widestScope(context.scopeKinds);
    return {
      type: 'user',
      id: user.id,
      name: user.display_name,
      username: user.username,
      divisionCode: user.division_code,
      divisionName: user.division_name,
      organizationId: user.organization_id,
      organizationName: user.organization_name,
      roles: context.roleCodes,
      permissions: context.permissions,
      scope: { kind, divisionCodes: kind === 'grid' ? collapsePrefixes(context.unitGridCodes) : [user.division_code], organizationIds: context.organizationIds, userId: user.id },
      locale: acceptLanguage ? localeFromHeader(acceptLanguage) : (user.locale as Locale),
      savedLocale: user.locale as Locale,
    };
  }
}

function lockedError(until: Date, locale: string) {
  const shown = until.toLocaleString(locale === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
  return new AppError('ACCOUNT_LOCKED', 423, { until: shown });
}
