import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { eventsRepo } from './events.repo.ts';
import { openStates } from './queues.ts';
import { persistTransition, type TransitionActor } from './transition.ts';
import { eventDetail } from './events.query.ts';
import { replay } from './workflow.service.ts';
import type { EventState } from './event-workflow.ts';
import type { MergeBody } from './events.schema.ts';

/**
 * One-click merge of a duplicate into its original: the duplicate is cancelled with `merged_into_id`
 * set, and both histories record the link. Permission event:case:merge (checked by the route).
 */
export async function mergeEvent(request: FastifyRequest, id: number, body: MergeBody) {
  const app = request.server;
  const actor = actorOf(request);
  const [duplicate, original] = await Promise.all([eventsRepo.findVisible(app.db, actor.scope, id), eventsRepo.findVisible(app.db, actor.scope, body.intoId)]);
  if (!duplicate) throw notFound();
  if (body.clientActionId && (await eventsRepo.clientActionDone(app.db, id, body.clientActionId))) return replay(request, duplicate);
  if (!original) throw new AppError('INVALID_REFERENCE', 400, { field: '/intoId' }, [{ field: '/intoId', code: 'INVALID_REFERENCE' }]);
  const open = (state: string) => openStates.includes(state as EventState);
  if (duplicate.id === original.id || !open(duplicate.state) || !open(original.state) || duplicate.category_code !== original.category_code) {
    throw new AppError('EVENT_MERGE_NOT_ALLOWED', 409, { code: duplicate.code, into: original.code });
  }
  const at = new Date();
  const who: TransitionActor = { type: actor.type, id: actor.id, name: actor.name, organizationId: actor.organizationId };
  const note = body.note ?? '';
  const merged = await runCommand(request, async (trx, audit) => {
    const after = await persistTransition(trx, audit, {
      row: duplicate,
      action: 'merge',
      to: 'cancelled',
      effect: { patch: { state: 'cancelled', merged_into_id: original.id, phase: null, phase_started_at: null, phase_deadline: null, updated_at: at }, details: { mergedIntoId: original.id, mergedIntoCode: original.code } },
      actor: who,
      at,
      note,
      clientActionId: body.clientActionId,
    });
    // The original only gains a history line; bumping its version makes a concurrent step on it retry.
    await persistTransition(trx, audit, {
      row: original,
      action: 'merge_in',
      to: original.state as EventState,
      effect: { patch: { updated_at: at }, details: { mergedId: duplicate.id, mergedCode: duplicate.code } },
      actor: who,
      at,
      note,
    });
    return after;
  });
  for (const event of [merged, original]) app.realtime.publish({ type: 'event.changed', divisionCode: event.division_code, data: { id: event.id, code: event.code, action: 'merge', state: event.state } });
  return eventDetail(request, merged);
}
