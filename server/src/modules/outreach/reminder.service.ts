import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { runCommand, type Audit } from '../../http/command.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { writeAudit, type AuditEntry } from '../../audit/audit.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import { AppError, conflict } from '../../http/errors.ts';
import { decide, type EventAction } from '../events/event-workflow.ts';
import { effectOf, workflowFacts, type EventRow } from '../events/event-effects.ts';
import { persistTransition, type TransitionActor } from '../events/transition.ts';
import { nextOpening } from './delivery-rules.ts';
import { loadSettings, type OutreachSettings } from './settings.ts';
import { renderTemplate, reminderTime, type TemplateValues } from './templates.ts';
import { findParty, tablePlateRegistry, type Party, type PlateLookup } from './party.ts';
import { enqueueMessages, type NewMessage } from './outbox.ts';
import { outreachRepo, type ReminderRow } from './outreach.repo.ts';
import type { Channel, PolicyParty } from './outreach.tables.ts';
import { detectionOfSourceRef } from '../video/video-events.ts';

/**
 * The soft-notice path (视频AI + 114): remind the responsible party, then let the next detection or a
 * person re-check. Complied → the event closes as "resolved by reminder"; not complied, or the grace
 * period over without a re-check → it is registered and dispatched to law enforcement.
 *
 * Everything is read and rendered first; the event step, the reminder and its outbox messages are then
 * written in one transaction (no network inside it: the delivery worker sends afterwards).
 */
export interface OutreachContext {
  app: FastifyInstance;
  /** Encrypts the recipient into the outbox (the field cipher of privacy/). */
  cipher: FieldCipher;
  actor: TransitionActor & { userId: number | null };
  /** One transaction with its audit records: runCommand for a request, writeAudit for a job. */
  run<T>(work: (trx: Transaction<DB>, audit: Audit) => Promise<T>): Promise<T>;
  now: number;
}

/** A step by the signed-in caller: their name on the event's history, their request's transaction and audit. */
export function requestContext(request: FastifyRequest): OutreachContext {
  const actor = actorOf(request);
  return {
    app: request.server,
    cipher: request.server.privacy,
    actor: { type: actor.type, id: actor.id, name: actor.name, organizationId: actor.organizationId, userId: actor.type === 'user' ? actor.id : null },
    run: (work) => runCommand(request, work),
    now: Date.now(),
  };
}

/** A step by a background job (the scheduler, an MQTT consumer): the system on the history, `jobName` in the audit. */
export function systemContext(app: FastifyInstance, cipher: FieldCipher, now: number, jobName: string): OutreachContext {
  const audit = { actorType: 'system' as const, actorId: null, actorName: jobName, ip: null, userAgent: null, requestId: null };
  return {
    app,
    cipher,
    actor: { type: 'system', id: null, name: '系统', organizationId: null, userId: null },
    now,
    run: (work) =>
      app.db.transaction().execute(async (trx) => {
        const entries: AuditEntry[] = [];
        const value = await work(trx, (entry) => entries.push(entry));
        await writeAudit(trx, audit, entries);
        return value;
      }),
  };
}

export interface RemindInput {
  /** The plate the detection read, for the plate registry. */
  plate?: string;
  /** Instead of the category's channels. */
  channels?: Channel[];
}

function refuse(code: 'OUTREACH_NOT_ALLOWED' | 'OUTREACH_REMINDER_PENDING' | 'OUTREACH_NO_PENDING_REMINDER', row: EventRow): AppError {
  return new AppError(code, 409, { code: row.category_code ?? '', event: row.code });
}

function checkStep(action: EventAction, row: EventRow, now: number) {
  const decision = decide(action, workflowFacts(row, now), { organizationIds: [] }, undefined);
  if ('refused' in decision) throw new AppError(decision.refused, 409, { state: row.state, action });
  return decision.to;
}

async function policyOf(app: FastifyInstance, categoryCode: string, settings: OutreachSettings) {
  const policy = await outreachRepo.policy(app.db, categoryCode);
  return { graceMinutes: policy?.grace_minutes ?? settings.defaultGraceMinutes, channels: policy?.channels ?? settings.defaultChannels, party: policy?.party ?? 'spot' };
}

/** The plate to look up: the one given, else, when the category's reminders go to vehicle owners, what the detection read. */
async function plateFor(app: FastifyInstance, row: EventRow, given: string | undefined, party: PolicyParty) {
  if (given) return given;
  const detectionId = party === 'vehicle' ? detectionOfSourceRef(row.source_ref) : null;
  return detectionId === null ? null : outreachRepo.detectionSubLabel(app.db, detectionId);
}

const noPartyNote: Record<PlateLookup | 'none', string> = {
  none: '未找到责任方，按常规流程处置',
  unregistered: '车牌未登记，现场也未找到责任方，按常规流程处置',
  unreadable: '未识别出有效车牌，现场也未找到责任方，按常规流程处置',
  owner: '',
};

/** The messages for a party, rendered; a missing template or value stops the reminder before anything is written. */
async function prepareMessages(app: FastifyInstance, row: EventRow, categoryName: string, party: Party, channels: Channel[], values: TemplateValues) {
  const messages: Omit<NewMessage, 'reminderId'>[] = [];
  for (const channel of channels) {
    const template = await outreachRepo.templateFor(app.db, row.category_code!, channel);
    if (!template) throw new AppError('OUTREACH_NO_TEMPLATE', 409, { code: row.category_code!, channel });
    const rendered = renderTemplate(template.body, values);
    if ('problems' in rendered) throw new AppError('OUTREACH_TEMPLATE_INVALID', 409, { id: template.id });
    if ('missing' in rendered) throw new AppError('OUTREACH_TEMPLATE_VALUE_MISSING', 409, { variables: rendered.missing.map((v) => `{${v}}`).join(', '), category: categoryName });
    messages.push({ channel, recipient: party.phone, body: rendered.text, templateId: template.id, templateCode: template.provider_template_code, params: rendered.params, divisionCode: row.division_code, eventId: row.id });
  }
  return messages;
}

export async function remind(ctx: OutreachContext, row: EventRow, input: RemindInput) {
  const { app, now } = ctx;
  const category = row.category_code ? await outreachRepo.reminderCategory(app.db, row.category_code) : undefined;
  if (!category?.reminder_allowed) throw refuse('OUTREACH_NOT_ALLOWED', row);
  const to = checkStep('remind_party', row, now);
  if (await outreachRepo.awaitingReminder(app.db, row.id)) throw refuse('OUTREACH_REMINDER_PENDING', row);
  const settings = await loadSettings(app.db);
  const policy = await policyOf(app, category.code, settings);
  const channels = input.channels ?? policy.channels;
  const plate = await plateFor(app, row, input.plate, policy.party);
  const { party, plate: plateLookup } = await findParty(app.db, ctx.cipher, tablePlateRegistry(app.db, ctx.cipher), { lng: row.lng, lat: row.lat, gridCode: row.grid_code, plate }, settings.partyRadiusMeters);
  const values: TemplateValues = {
    place: row.address || party?.address || undefined,
    party: party?.name,
    category: category.minor_name,
    time: reminderTime(row.reported_at),
    deadline_minutes: String(policy.graceMinutes),
    sign: settings.sign,
  };
  const messages = party ? await prepareMessages(app, row, category.minor_name, party, channels, values) : [];
  // The grace period starts when the first message may go out (a reminder at 22:00 waits for the morning).
  const firstOpening = Math.min(...channels.map((channel) => nextOpening(channel, now, settings.quietHours)));
  const dueAt = new Date(firstOpening + policy.graceMinutes * 60_000);
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);

  const { reminder, after } = await ctx.run(async (trx, audit) => {
    let reminder = await outreachRepo.insertReminder(trx, {
      event_id: row.id,
      division_code: row.division_code,
      category_code: category.code,
      status: party ? 'awaiting' : 'no_party',
      party_kind: party?.kind ?? null,
      party_ref: party?.ref ?? null,
      party_name: party?.name ?? null,
      recipient_masked: party?.phoneMasked ?? null,
      grace_minutes: party ? policy.graceMinutes : null,
      recheck_due_at: party ? dueAt : null,
      created_by: ctx.actor.userId,
      created_at: new Date(now),
    });
    const queued = await enqueueMessages(trx, ctx.cipher, settings, messages.map((m) => ({ ...m, reminderId: reminder.id })), now);
    if (party && queued.every((m) => m.status === 'skipped')) reminder = await outreachRepo.markNotSent(trx, reminder.id);
    const details = {
      outcome: reminder.status,
      reminderId: reminder.id,
      // A vehicle owner is a private person: the history names the kind only.
      party: party ? (party.kind === 'enterprise' ? party.name : 'vehicle_owner') : null,
      // Whether a plate was looked up and what came of it (the plate itself stays off the history).
      plateLookup,
      messages: queued.map((m) => ({ channel: m.channel, status: m.status, reason: m.reason })),
      recheckDueAt: reminder.recheck_due_at?.toISOString() ?? null,
    };
    const note = reminder.status === 'awaiting' ? '' : reminder.status === 'no_party' ? noPartyNote[plateLookup ?? 'none'] : '提醒未能发出，按常规流程处置';
    const effect = effectOf('remind_party', row, to, { now, calendar, limits });
    Object.assign(effect.details, details);
    const after = await persistTransition(trx, audit, { row, action: 'remind_party', to, effect, actor: ctx.actor, at: new Date(now), note });
    audit({ action: 'outreach:reminder:send', entityType: 'outreach_reminder', entityId: reminder.id, divisionCode: row.division_code, after: { event_id: row.id, status: reminder.status, party_kind: reminder.party_kind, channels, recheck_due_at: details.recheckDueAt } });
    return { reminder, after };
  });
  publish(app, after, 'remind_party');
  return reminder;
}

export type Verdict = { complied: true; source: 'detection' | 'manual' } | { complied: false; source: 'detection' | 'manual' | 'deadline' };

/**
 * The re-check of an awaiting reminder. Complied closes the event; not complied (or the deadline)
 * registers it and dispatches it to the first law-enforcement unit the routing rules name. Without
 * such a unit (or a time limit to dispatch with) it waits in the dispatch queue, and the step says so.
 */
export async function recheck(ctx: OutreachContext, row: EventRow, verdict: Verdict): Promise<ReminderRow> {
  const { app, now } = ctx;
  const reminder = await outreachRepo.awaitingReminder(app.db, row.id);
  if (!reminder) throw refuse('OUTREACH_NO_PENDING_REMINDER', row);
  const action: EventAction = verdict.complied ? 'resolve_by_reminder' : 'escalate';
  const to = checkStep(action, row, now);
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const dispatch = verdict.complied ? null : await enforcementDispatch(app, row);
  const status = verdict.complied ? 'complied' : verdict.source === 'deadline' ? 'expired' : 'not_complied';
  const at = new Date(now);

  const after = await ctx.run(async (trx, audit) => {
    if (!(await outreachRepo.resolveReminder(trx, reminder.id, status, verdict.source, at))) throw conflict();
    const details = { reminderId: reminder.id, source: verdict.source, complied: verdict.complied };
    const note = verdict.complied ? '经提醒已整改' : verdict.source === 'deadline' ? '提醒后宽限期已过，未见整改' : '经提醒未整改';
    const effect = effectOf(action, row, to, { now, calendar, limits });
    Object.assign(effect.details, details);
    // No law-enforcement unit to send it to: it waits for a dispatcher, and the step says why.
    if (!verdict.complied && !dispatch) effect.details.enforcement = 'none_found';
    let after = await persistTransition(trx, audit, { row, action, to, effect, actor: ctx.actor, at, note });
    audit({ action: 'outreach:reminder:recheck', entityType: 'outreach_reminder', entityId: reminder.id, divisionCode: row.division_code, before: { status: 'awaiting' }, after: { status, resolved_source: verdict.source } });
    if (dispatch) {
      const dispatchTo = checkStep('dispatch', after, now);
      const dispatchEffect = effectOf('dispatch', after, dispatchTo, { now, calendar, limits, organizationId: dispatch.organizationId, standard: dispatch.standard });
      after = await persistTransition(trx, audit, { row: after, action: 'dispatch', to: dispatchTo, effect: dispatchEffect, actor: ctx.actor, at, note: '提醒未整改，派执法部门处置' });
    }
    return after;
  });
  publish(app, after, action);
  return { ...reminder, status, resolved_source: verdict.source, resolved_at: at };
}

/** The first law-enforcement unit among the routing candidates, with the standard that times its work. */
async function enforcementDispatch(app: FastifyInstance, row: EventRow) {
  if (!row.category_code) return null;
  const route = await app.eventConfig.route({ categoryCode: row.category_code, gridCode: row.grid_code, source: row.source, standardId: row.standard_id ?? undefined });
  const kinds = new Map((await outreachRepo.organizationKinds(app.db, route.candidates.map((c) => c.organizationId))).map((o) => [o.id, o.kind]));
  const unit = route.candidates.find((c) => kinds.get(c.organizationId) === 'law_enforcement');
  const standard = await app.eventConfig.standardFor(row.category_code, row.standard_id ?? undefined);
  return unit && standard ? { organizationId: unit.organizationId, standard } : null;
}

function publish(app: FastifyInstance, row: EventRow, action: string) {
  app.realtime.publish({ type: 'event.changed', divisionCode: row.division_code, data: { id: row.id, code: row.code, action, state: row.state } });
}
