import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { actorOf } from '../auth/auth.plugin.ts';
import { AppError, notFound } from '../http/errors.ts';
import { runCommand } from '../http/command.ts';
import { IdParams, pageWindow } from '../http/pagination.ts';
import type { MessageParams } from '../i18n/messages.ts';
import { notifyRepo } from './notify.repo.ts';
import { noticeText } from './notifier.ts';
import { NoticePage, NoticeQuery, ReadAllResult, ReadResult, UnreadCount } from './notify.schema.ts';

/** Notices belong to user accounts: an API token has no inbox. */
function recipientOf(request: FastifyRequest) {
  const actor = actorOf(request);
  if (actor.type !== 'user') throw new AppError('NOTICE_USERS_ONLY', 403);
  return actor;
}

/** My notices: every signed-in user reads and marks their own, and only their own (no permission needed). */
export const noticeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['notices'];

  app.get('/api/notices', { schema: { tags, summary: 'My notices, newest first (`unread=true`: unread only)', querystring: NoticeQuery, response: { 200: NoticePage } } }, async (request) => {
    const actor = recipientOf(request);
    const window = pageWindow(request.query);
    const [page, unread] = await Promise.all([notifyRepo.page(app.db, actor.id, { unreadOnly: request.query.unread === true }, window), notifyRepo.unreadCount(app.db, actor.id)]);
    return {
      items: page.items.map((n) => ({
        id: n.id,
        kind: n.kind,
        params: n.params as MessageParams,
        text: noticeText(actor.locale, n.kind, n.params as MessageParams),
        entityType: n.entity_type,
        entityId: n.entity_id,
        createdAt: n.created_at.toISOString(),
        readAt: n.read_at?.toISOString() ?? null,
      })),
      total: page.total,
      page: window.page,
      pageSize: window.pageSize,
      unread,
    };
  });

  app.get('/api/notices/unread-count', { schema: { tags, summary: 'How many of my notices are unread', response: { 200: UnreadCount } } }, async (request) => ({
    count: await notifyRepo.unreadCount(app.db, recipientOf(request).id),
  }));

  app.post('/api/notices/:id/read', { schema: { tags, summary: 'Mark one of my notices read (again: no change)', params: IdParams, response: { 200: ReadResult } } }, async (request) => {
    const actor = recipientOf(request);
    const id = request.params.id;
    const notice = await notifyRepo.find(app.db, actor.id, id);
    if (!notice) throw notFound();
    if (notice.read_at) {
      // Already read: nothing written, nothing to audit.
      request.audited = true;
      return { id, readAt: notice.read_at.toISOString() };
    }
    const at = new Date();
    const marked = await runCommand(request, async (trx, audit) => {
      const row = await notifyRepo.markRead(trx, actor.id, id, at);
      if (row) audit({ action: 'notice:notice:read', entityType: 'notification', entityId: id, after: { read_at: at.toISOString() } });
      return Boolean(row);
    });
    // Marked read meanwhile (another tab): nothing written.
    if (!marked) request.audited = true;
    return { id, readAt: at.toISOString() };
  });

  app.post('/api/notices/read-all', { schema: { tags, summary: 'Mark all my notices read', response: { 200: ReadAllResult } } }, async (request) => {
    const actor = recipientOf(request);
    const marked = await runCommand(request, async (trx, audit) => {
      const rows = await notifyRepo.markAllRead(trx, actor.id, new Date());
      if (rows.length > 0) audit({ action: 'notice:notice:read-all', entityType: 'notification', entityId: null, details: { count: rows.length } });
      return rows.length;
    });
    if (marked === 0) request.audited = true;
    return { count: marked };
  });
};
