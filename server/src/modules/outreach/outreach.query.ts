import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { grants } from '../../auth/permissions.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { divisionInScope } from '../../auth/actor.ts';
import { pageWindow } from '../../http/pagination.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { beforeDispatch, type EventState } from '../events/event-workflow.ts';
import type { EventRow } from '../events/event-effects.ts';
import { outreachRepo } from './outreach.repo.ts';
import { outreachRates } from './outreach-rates.ts';
import type { MessageQuery } from './outreach.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The outreach log: every message in my scope, newest first; numbers masked. */
export async function listMessages(request: FastifyRequest, query: MessageQuery) {
  const window = pageWindow(query);
  const filter = { status: query.status, channel: query.channel, from: query.from ? new Date(query.from) : undefined, to: query.to ? new Date(query.to) : undefined, eventId: query.eventId };
  const { rows, total } = await outreachRepo.listMessages(request.server.db, actorOf(request).scope, filter, window);
  return {
    items: rows.map((m) => ({
      id: m.id,
      eventId: m.event_id,
      eventCode: m.event_code,
      partyName: m.party_name,
      channel: m.channel,
      body: m.body,
      recipient: m.recipient_masked,
      status: m.status,
      reason: m.reason,
      lastError: m.last_error,
      provider: m.provider,
      attempts: m.attempts,
      nextAttemptAt: m.next_attempt_at.toISOString(),
      createdAt: m.created_at.toISOString(),
      sentAt: iso(m.sent_at),
      deliveredAt: iso(m.delivered_at),
    })),
    total,
    page: window.page,
    pageSize: window.pageSize,
  };
}

/** An event the caller may see (404 like a missing one otherwise). */
export async function visibleEvent(request: FastifyRequest, id: number): Promise<EventRow> {
  const row = await eventsRepo.findVisible(request.server.db, actorOf(request).scope, id);
  if (!row) throw notFound();
  return row;
}

/** What the event page's reminder panel shows and offers. */
export async function eventOutreach(request: FastifyRequest, row: EventRow) {
  const db = request.server.db;
  const actor = actorOf(request);
  const category = row.category_code ? await outreachRepo.reminderCategory(db, row.category_code) : undefined;
  const reminders = await outreachRepo.remindersOf(db, row.id);
  const messages = await outreachRepo.messagesOf(db, reminders.map((r) => r.id));
  const waiting = reminders.some((r) => r.status === 'awaiting');
  const open = beforeDispatch.includes(row.state as EventState);
  return {
    eligible: Boolean(category?.reminder_allowed),
    canRemind: Boolean(category?.reminder_allowed) && open && !waiting && grants(actor.permissions, 'outreach:reminder:send'),
    canRecheck: waiting && open && grants(actor.permissions, 'outreach:reminder:recheck'),
    reminders: reminders.map((r) => ({
      id: r.id,
      status: r.status,
      partyKind: r.party_kind,
      partyName: r.party_name,
      recipient: r.recipient_masked,
      graceMinutes: r.grace_minutes,
      recheckDueAt: iso(r.recheck_due_at),
      resolvedAt: iso(r.resolved_at),
      resolvedSource: r.resolved_source,
      createdAt: r.created_at.toISOString(),
      messages: messages
        .filter((m) => m.reminder_id === r.id)
        .map((m) => ({ id: m.id, channel: m.channel, status: m.status, reason: m.reason, recipient: m.recipient_masked, attempts: m.attempts, nextAttemptAt: iso(m.next_attempt_at), sentAt: iso(m.sent_at), deliveredAt: iso(m.delivered_at) })),
    })),
  };
}

/** The two rates over a period, for the log page (the evaluation module calls outreachRates itself). */
export async function rates(request: FastifyRequest, query: { from: string; to: string; divisionCode?: string }) {
  const scope = actorOf(request).scope;
  if (query.divisionCode !== undefined && !divisionInScope(scope, query.divisionCode)) throw new AppError('OUT_OF_SCOPE', 400, { field: '/divisionCode' }, [{ field: '/divisionCode', code: 'OUT_OF_SCOPE' }]);
  return outreachRates(request.server.db, { divisionCode: query.divisionCode ?? scope.divisionCodes, from: new Date(query.from), to: new Date(query.to) });
}
