import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import type { Actor } from '../../auth/actor.ts';
import { grants } from '../../auth/permissions.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import type { WrittenNotice } from '../../notify/notifier.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { lightOf } from '../events/events.present.ts';
import { terminalStates, type EventState } from '../events/event-workflow.ts';
import type { EventRow } from '../events/event-effects.ts';
import { deadlineFor, type LimitUnit } from '../events/work-calendar.ts';
import { supervisionRepo, type SupervisionRow } from './supervision.repo.ts';
import { recipientsOf, recordSupervisionStep, supervisedUnit, supervisionNotice, type SupervisionAction } from './supervision-steps.ts';
import { callbackPanel } from './callback.service.ts';
import type { CloseBody, ListBody, ReplyBody, SupervisionQuery } from './supervision.schema.ts';

/** The longest a leader may give a unit for its reply: one year. */
const maxReplyMillis = 366 * 86_400_000;

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const isOver = (event: Pick<EventRow, 'state'>) => terminalStates.includes(event.state as EventState);
const who = (actor: Actor) => ({ type: actor.type, id: actor.id, name: actor.name, organizationId: actor.organizationId });

type ViewRow = Awaited<ReturnType<typeof supervisionRepo.forEvent>>[number];

function replyDue(s: Pick<SupervisionRow, 'status' | 'reply_required' | 'reply'>) {
  return s.status !== 'closed' && s.reply_required && s.reply === null;
}

function present(s: ViewRow, actor: Actor, now: number) {
  return {
    id: s.id,
    eventId: s.event_id,
    level: s.level,
    trigger: s.trigger,
    phase: s.phase,
    phaseDeadline: iso(s.phase_deadline),
    organizationId: s.organization_id,
    organizationName: s.organization_name,
    requirement: s.requirement,
    replyRequired: s.reply_required,
    replyDeadline: iso(s.reply_deadline),
    replyOverdue: replyDue(s) && s.reply_deadline !== null && s.reply_deadline.getTime() < now,
    reply: s.reply,
    repliedAt: iso(s.replied_at),
    repliedByName: s.replied_by_name,
    status: s.status,
    createdByName: s.created_by_name,
    createdAt: s.created_at.toISOString(),
    closedAt: iso(s.closed_at),
    canReply: replyDue(s) && s.organization_id !== null && actor.scope.organizationIds.includes(s.organization_id) && grants(actor.permissions, 'event:supervision:reply'),
    canClose: s.level === 'listed' && s.status !== 'closed' && grants(actor.permissions, 'event:supervision:list'),
  };
}

/** The supervision list of the command room: every step in my scope, newest first. */
export async function listSupervisions(request: FastifyRequest, query: SupervisionQuery) {
  const app = request.server;
  const actor = actorOf(request);
  const window = pageWindow(query);
  const now = Date.now();
  const [page, light] = await Promise.all([
    supervisionRepo.page(app.db, actor.scope, { level: query.level, status: query.status, divisionCode: query.divisionCode, replyOverdueAt: query.overdueReply ? new Date(now) : undefined }, window),
    app.eventConfig.lightRule(),
  ]);
  return {
    items: page.items.map((s) => ({
      ...present(s, actor, now),
      event: {
        id: s.event_id,
        code: s.event_code,
        title: s.event_title,
        state: s.event_state,
        divisionCode: s.event_division_code,
        divisionName: s.event_division_name,
        phase: s.event_phase,
        phaseDeadline: iso(s.event_phase_deadline),
        light: lightOf({ phase: s.event_phase, phase_started_at: s.event_phase_started_at, phase_deadline: s.event_phase_deadline, handle_limit_unit: s.event_handle_limit_unit as LimitUnit | null, urgency: s.event_urgency }, light, now),
      },
    })),
    total: page.total,
    page: window.page,
    pageSize: window.pageSize,
  };
}

/** The supervision and callback panel of one event page. */
export async function eventSupervision(request: FastifyRequest, eventId: number) {
  const app = request.server;
  const actor = actorOf(request);
  const event = await eventsRepo.findVisible(app.db, actor.scope, eventId);
  if (!event) throw notFound();
  return supervisionPanel(request, event);
}

async function supervisionPanel(request: FastifyRequest, event: EventRow) {
  const app = request.server;
  const actor = actorOf(request);
  const now = Date.now();
  const [rows, callbacks, rules, calendar] = await Promise.all([supervisionRepo.forEvent(app.db, event.id), callbackPanel(request, event), app.eventConfig.supervisionRules(), app.eventConfig.calendar()]);
  const listedOpen = rows.some((s) => s.level === 'listed' && s.status !== 'closed');
  const canList = !isOver(event) && !listedOpen && grants(actor.permissions, 'event:supervision:list');
  const { value, unit } = rules.listedReplyLimit;
  return {
    items: rows.map((s) => present(s, actor, now)),
    canList,
    listReplyDeadline: canList ? new Date(deadlineFor(calendar, now, value, unit)).toISOString() : null,
    ...callbacks,
  };
}

/** 挂牌督办: a leader lists an open event, with a written requirement and a reply deadline, to the unit that must act. */
export async function listEvent(request: FastifyRequest, eventId: number, body: ListBody) {
  const app = request.server;
  const actor = actorOf(request);
  const found = await eventsRepo.findVisible(app.db, actor.scope, eventId);
  if (!found) throw notFound();
  if (isOver(found)) throw new AppError('SUPERVISION_EVENT_CLOSED', 409, { code: found.code });
  const requirement = body.requirement.trim();
  if (!requirement) throw new AppError('SUPERVISION_REQUIREMENT_REQUIRED', 400, {}, [{ field: '/requirement', code: 'required' }]);
  const now = Date.now();
  const replyDeadline = Date.parse(body.replyDeadline);
  if (!(replyDeadline > now && replyDeadline <= now + maxReplyMillis)) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/replyDeadline', code: 'SUPERVISION_REPLY_DEADLINE' }]);
  const at = new Date(now);

  const { event, notices } = await runCommand(request, async (trx, audit) => {
    const event = (await supervisionRepo.lockEvent(trx, eventId))!;
    if (isOver(event)) throw new AppError('SUPERVISION_EVENT_CLOSED', 409, { code: event.code });
    const organizationId = await supervisedUnit(trx, event);
    if (organizationId === null) throw new AppError('SUPERVISION_NO_UNIT', 409, { code: event.code });
    const supervision = await supervisionRepo.insertOnce(trx, {
      event_id: event.id,
      level: 'listed',
      trigger: 'manual',
      phase: event.phase,
      phase_deadline: event.phase_deadline,
      organization_id: organizationId,
      division_code: event.division_code,
      requirement,
      reply_required: true,
      reply_deadline: new Date(replyDeadline),
      created_by: actor.type === 'user' ? actor.id : null,
      created_at: at,
    });
    // The partial unique index allows one open listing per event.
    if (!supervision) throw new AppError('SUPERVISION_ALREADY_LISTED', 409, { code: event.code });
    await recordSupervisionStep(trx, audit, { event, supervision, action: 'list', actor: who(actor), at, note: requirement });
    const notices = await app.notices.write(trx, recipientsOf('listed', organizationId), supervisionNotice(event, supervision, actor.name));
    return { event, notices };
  });
  return afterStep(request, event, 'list', notices);
}

/** The written reply of the addressed unit, once. */
export async function replySupervision(request: FastifyRequest, id: number, body: ReplyBody) {
  const actor = actorOf(request);
  const found = await supervisionRepo.findVisible(request.server.db, actor.scope, id);
  if (!found) throw notFound();
  if (found.status === 'closed') throw new AppError('SUPERVISION_CLOSED', 409);
  if (found.organization_id === null || !actor.scope.organizationIds.includes(found.organization_id)) throw new AppError('SUPERVISION_NOT_TARGET_UNIT', 403);
  if (!found.reply_required) throw new AppError('SUPERVISION_NO_REPLY_NEEDED', 409);
  if (found.reply !== null) throw new AppError('SUPERVISION_ALREADY_REPLIED', 409);
  const text = body.reply.trim();
  if (!text) throw new AppError('SUPERVISION_REPLY_REQUIRED', 400, {}, [{ field: '/reply', code: 'required' }]);
  const at = new Date();

  const { event, notices } = await runCommand(request, async (trx, audit) => {
    const event = (await supervisionRepo.lockEvent(trx, found.event_id))!;
    const supervision = await supervisionRepo.reply(trx, id, { text, userId: actor.id, at });
    // Replied or ended a moment ago by someone else.
    if (!supervision) throw new AppError((await supervisionRepo.find(trx, id))?.status === 'closed' ? 'SUPERVISION_CLOSED' : 'SUPERVISION_ALREADY_REPLIED', 409);
    await recordSupervisionStep(trx, audit, { event, supervision, before: found, action: 'reply_supervision', actor: who(actor), at, note: text });
    // The leader who listed it learns of the reply.
    const notices =
      supervision.created_by === null
        ? []
        : await request.server.notices.write(trx, { userIds: [supervision.created_by] }, { kind: 'supervision.replied', params: { code: event.code, title: event.title, unit: actor.organizationName ?? actor.name }, entity: { type: 'event', id: event.id } });
    return { event, notices };
  });
  return afterStep(request, event, 'reply_supervision', notices);
}

/** The supervisor ends a 挂牌督办 (automatic steps end with the phase they concern). */
export async function closeSupervision(request: FastifyRequest, id: number, body: CloseBody) {
  const actor = actorOf(request);
  const found = await supervisionRepo.findVisible(request.server.db, actor.scope, id);
  if (!found) throw notFound();
  if (found.status === 'closed') throw new AppError('SUPERVISION_CLOSED', 409);
  if (found.level !== 'listed') throw new AppError('SUPERVISION_ENDS_WITH_PHASE', 409);
  const at = new Date();

  const { event } = await runCommand(request, async (trx, audit) => {
    const event = (await supervisionRepo.lockEvent(trx, found.event_id))!;
    const supervision = await supervisionRepo.close(trx, id, at);
    if (!supervision) throw new AppError('SUPERVISION_CLOSED', 409);
    await recordSupervisionStep(trx, audit, { event, supervision, before: found, action: 'close_supervision', actor: who(actor), at, note: body.note?.trim() ?? '' });
    return { event };
  });
  return afterStep(request, event, 'close_supervision', []);
}

/** After the commit: deliver the notices, tell live screens, answer with the event's panel as it is now. */
async function afterStep(request: FastifyRequest, event: EventRow, action: SupervisionAction, notices: WrittenNotice[]) {
  const app = request.server;
  app.notices.deliver(notices);
  app.realtime.publish({ type: 'event.changed', divisionCode: event.division_code, data: { id: event.id, code: event.code, action, state: event.state } });
  return supervisionPanel(request, await eventsRepo.findById(app.db, event.id));
}
