import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { grants } from '../../auth/permissions.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import type { WrittenNotice } from '../../notify/notifier.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { decide } from '../events/event-workflow.ts';
import { effectOf, workflowFacts, type EventRow } from '../events/event-effects.ts';
import { persistTransition, type TransitionActor } from '../events/transition.ts';
import { followedEvent } from '../events/public.service.ts';
import { supervisionRepo, type CallbackRow } from './supervision.repo.ts';
import type { EventCallbackTable } from './supervision.tables.ts';
import type { CallbackBody, PublicCallbackBody } from './supervision.schema.ts';

/**
 * 回访: after a public or hotline case closes, the reporter says whether they are satisfied (on the H5
 * page, with the case code and follow token) or staff record what the reporter said on the phone. One
 * callback per closure; "dissatisfied" reopens the case to dispatch (the workflow's `reopen`, which
 * counts as rework) in the same transaction.
 */
export const callbackSources: readonly string[] = ['public', 'hotline'];

interface CallbackInput {
  satisfaction: EventCallbackTable['satisfaction'];
  resolved: boolean;
  comment: string;
  contacted: boolean;
  valid: boolean;
  channel: EventCallbackTable['channel'];
}

/** Why no callback can be recorded for the event as it stands now, or null when one can. */
function refusal(event: EventRow, existing: CallbackRow | undefined): AppError | null {
  if (!callbackSources.includes(event.source)) return new AppError('CALLBACK_NOT_APPLICABLE', 409, { code: event.code });
  if (event.state !== 'closed' || event.closed_at === null) return new AppError('CALLBACK_NOT_CLOSED', 409, { code: event.code });
  if (existing) return new AppError('CALLBACK_EXISTS', 409, { code: event.code });
  return null;
}

/** The callback of the event's current closure, if given. */
const currentCallback = (db: Kysely<DB>, event: EventRow) => (event.closed_at ? supervisionRepo.callbackFor(db, event.id, event.closed_at) : Promise.resolve(undefined));

/** One callback in one transaction, checked again on the locked event; dissatisfied reopens the case there too. */
async function recordCallback(request: FastifyRequest, eventId: number, input: CallbackInput, actor: TransitionActor) {
  const app = request.server;
  // Configuration is read before the transaction (on PGlite a read outside it would wait for it).
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const now = Date.now();
  const at = new Date(now);
  const { event, notices } = await runCommand(request, async (trx, audit) => {
    const event = (await supervisionRepo.lockEvent(trx, eventId))!;
    const refused = refusal(event, await currentCallback(trx, event));
    if (refused) throw refused;
    const callback = await supervisionRepo.insertCallback(trx, {
      event_id: event.id,
      closed_at: event.closed_at!,
      valid: input.valid,
      contacted: input.contacted,
      resolved: input.resolved,
      satisfaction: input.satisfaction,
      comment: input.comment,
      channel: input.channel,
      recorded_by: actor.type === 'user' ? actor.id : null,
      division_code: event.division_code,
      // The unit that handled the closed case is judged, whatever happens to the case next.
      handling_unit_id: event.handling_unit_id,
      at,
    });
    if (!callback) throw new AppError('CALLBACK_EXISTS', 409, { code: event.code });
    const details = { callbackId: callback.id, satisfaction: callback.satisfaction, resolved: callback.resolved, channel: callback.channel };
    await eventsRepo.insertHistory(trx, { event_id: event.id, at, actor_type: actor.type, actor_id: actor.id, actor_name: actor.name, action: 'callback', from_state: event.state, to_state: event.state, note: callback.comment, organization_id: actor.organizationId, details });
    audit({ action: 'event:case:callback', entityType: 'event_callback', entityId: callback.id, divisionCode: event.division_code, after: { event_id: event.id, closed_at: callback.closed_at.toISOString(), ...details, valid: callback.valid, contacted: callback.contacted } });
    if (callback.satisfaction !== 'dissatisfied') return { event, notices: [] as WrittenNotice[] };

    const decision = decide('reopen', { ...workflowFacts(event, now), dissatisfiedCallback: true }, { organizationIds: [] }, undefined);
    if ('refused' in decision) throw new AppError(decision.refused, 409, { state: event.state, action: 'reopen' });
    const effect = effectOf('reopen', event, decision.to, { now, calendar, limits });
    const reopened = await persistTransition(trx, audit, { row: event, action: 'reopen', to: decision.to, effect: { ...effect, details: { ...effect.details, callbackId: callback.id } }, actor, at, note: callback.comment });
    // The command center dispatches the case again.
    const center = await supervisionRepo.commandCenterFor(trx, event.division_code);
    const notices = center === null ? [] : await app.notices.write(trx, { organizationId: center }, { kind: 'callback.dissatisfied', params: { code: event.code, title: event.title }, entity: { type: 'event', id: event.id } });
    return { event: reopened, notices };
  });
  app.notices.deliver(notices);
  app.realtime.publish({ type: 'event.changed', divisionCode: event.division_code, data: { id: event.id, code: event.code, action: event.state === 'closed' ? 'callback' : 'reopen', state: event.state } });
  return event;
}

/** The callbacks of an event (one per closure) and whether I may record the current one. */
export async function callbackPanel(request: FastifyRequest, event: EventRow) {
  const db = request.server.db;
  const [rows, current] = await Promise.all([supervisionRepo.callbacks(db, event.id), currentCallback(db, event)]);
  return {
    callbacks: rows.map((b) => ({
      id: b.id,
      closedAt: b.closed_at.toISOString(),
      satisfaction: b.satisfaction,
      resolved: b.resolved,
      contacted: b.contacted,
      valid: b.valid,
      comment: b.comment,
      channel: b.channel,
      recordedByName: b.recorded_by_name,
      handlingUnitName: b.handling_unit_name,
      at: b.at.toISOString(),
    })),
    canCallback: grants(actorOf(request).permissions, 'event:case:callback') && refusal(event, current) === null,
  };
}

/** Staff record the callback they made by phone (permission event:case:callback). */
export async function staffCallback(request: FastifyRequest, eventId: number, body: CallbackBody) {
  const actor = actorOf(request);
  const event = await eventsRepo.findVisible(request.server.db, actor.scope, eventId);
  if (!event) throw notFound();
  // Refused early with the same rules the transaction checks again on the locked row.
  const refused = refusal(event, await currentCallback(request.server.db, event));
  if (refused) throw refused;
  const input = { satisfaction: body.satisfaction, resolved: body.resolved, comment: body.comment?.trim() ?? '', contacted: body.contacted ?? true, valid: body.valid ?? true, channel: 'staff' as const };
  await recordCallback(request, event.id, input, { type: actor.type, id: actor.id, name: actor.name, organizationId: actor.organizationId });
  return callbackPanel(request, await eventsRepo.findById(request.server.db, event.id));
}

/** What the resident's page shows about the callback: nothing personal. */
async function publicView(db: Kysely<DB>, event: EventRow) {
  const [rows, current] = await Promise.all([supervisionRepo.callbacks(db, event.id), currentCallback(db, event)]);
  // The latest one stays visible after a dissatisfied callback reopened the case.
  const latest = rows.at(-1);
  return {
    canCallback: refusal(event, current) === null,
    callback: latest ? { satisfaction: latest.satisfaction, resolved: latest.resolved, comment: latest.comment, at: latest.at.toISOString() } : null,
  };
}

export async function publicCallbackStatus(request: FastifyRequest, code: string, token: string) {
  return publicView(request.server.db, await followedEvent(request.server.db, code, token));
}

/** The reporter's own callback on the H5 page, authorised by the case code and follow token. */
export async function publicCallback(request: FastifyRequest, code: string, body: PublicCallbackBody) {
  const db = request.server.db;
  const event = await followedEvent(db, code, body.token);
  const refused = refusal(event, await currentCallback(db, event));
  if (refused) throw refused;
  const input = { satisfaction: body.satisfaction, resolved: body.resolved, comment: body.comment?.trim() ?? '', contacted: true, valid: true, channel: 'h5' as const };
  await recordCallback(request, event.id, input, { type: 'public', id: null, name: event.reporter_name ?? '公众', organizationId: null });
  return publicView(db, await eventsRepo.findById(db, event.id));
}
