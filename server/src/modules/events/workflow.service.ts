import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type Actor } from '../../auth/actor.ts';
import { grants } from '../../auth/permissions.ts';
import { AppError, forbidden, invalidReference, notFound } from '../../http/errors.ts';
import { runCommand, type CommandRunner } from '../../http/command.ts';
import { pointToWgs84 } from '../../gis/coordinates.ts';
import { decide, maxExtensions, workflow, type EventAction, type WorkflowRefusal } from './event-workflow.ts';
import { effectOf, workflowFacts, type EffectContext, type EventRow } from './event-effects.ts';
import { eventsRepo } from './events.repo.ts';
import { checkPhotos, claimsOf, uploaderOf } from './event-files.ts';
import { persistTransition } from './transition.ts';
import { eventDetail } from './events.query.ts';
import type { ActionBody } from './events.schema.ts';

const refusalStatus: Record<WorkflowRefusal, number> = {
  ILLEGAL_TRANSITION: 409,
  REASON_REQUIRED: 400,
  NOT_HANDLING_UNIT: 403,
  EXTENSION_LIMIT: 409,
  EXTENSION_NOT_ALLOWED: 409,
  NO_PENDING_EXTENSION: 409,
  APPEAL_NOT_ALLOWED: 409,
  NO_PENDING_APPEAL: 409,
  REOPEN_NEEDS_CALLBACK: 409,
};

function refusal(code: WorkflowRefusal, row: EventRow, action: EventAction): AppError {
  const fields = code === 'REASON_REQUIRED' ? [{ field: '/reason', code: 'required' }] : [];
  return new AppError(code, refusalStatus[code], { state: row.state, action, max: maxExtensions }, fields);
}

const required = (field: string) => new AppError('VALIDATION_FAILED', 400, {}, [{ field, code: 'required' }]);

/** The longest 挂账: one year. */
const maxSuspensionMillis = 366 * 86_400_000;

/**
 * One step of the closed loop: scope (404), permission (403 naming it), the state machine (409 and
 * the refusal codes), the action's own inputs, then one transaction. A repeated `clientActionId`
 * changes nothing and answers with the event as it is.
 */
export async function performAction(request: FastifyRequest, id: number, action: EventAction, body: ActionBody) {
  const app = request.server;
  const actor = actorOf(request);
  const row = await eventsRepo.findVisible(app.db, actor.scope, id);
  if (!row) throw notFound();
  if (body.clientActionId && (await eventsRepo.clientActionDone(app.db, id, body.clientActionId))) return replay(request, row);
  const permission = workflow[action].permission;
  if (!grants(actor.permissions, permission)) throw forbidden(permission);
  const now = Date.now();
  const decision = decide(action, workflowFacts(row, now), { organizationIds: actor.scope.organizationIds }, body.reason);
  if ('refused' in decision) throw refusal(decision.refused, row, action);
  // Configuration is read before the transaction: on PGlite a read outside it would wait for it.
  const context = await effectContext(app, actor, action, row, body, now);
  const effect = effectOf(action, row, decision.to, context);

  let updated: EventRow;
  try {
    updated = await runCommand(request, async (trx, audit) => {
      const photoIds = await checkPhotos(trx, claimsOf(actor, body.fileIds), uploaderOf(actor));
      return persistTransition(trx, audit, {
        row,
        action,
        to: decision.to,
        effect,
        actor: { type: actor.type, id: actor.id, name: actor.name, organizationId: actor.organizationId },
        at: new Date(now),
        reason: body.reason,
        note: body.note,
        photoIds,
        clientActionId: body.clientActionId,
      });
    });
  } catch (error) {
    // A double click that raced its twin: the twin's step stands, this one is its echo.
    if (body.clientActionId && (await eventsRepo.clientActionDone(app.db, id, body.clientActionId))) {
      return replay(request, await eventsRepo.findById(app.db, id));
    }
    throw error;
  }
  app.realtime.publish({ type: 'event.changed', divisionCode: updated.division_code, data: { id, code: updated.code, action, state: updated.state } });
  if (updated.state === 'pending_dispatch') updated = await autoDispatch(app, (work) => runCommand(request, work), updated);
  return eventDetail(request, updated);
}

const systemActor = { type: 'system' as const, id: null, name: '系统', organizationId: null };

/**
 * 自动派遣: when the category allows it and exactly one unit is at the top of the routing rules, the
 * system dispatches as soon as the event waits for dispatch. It is a step of its own, after the one
 * that led here: if it cannot happen, the event simply waits for a dispatcher with the suggestions.
 */
export async function autoDispatch(app: FastifyInstance, run: CommandRunner, row: EventRow): Promise<EventRow> {
  const route = await app.eventConfig.route({ categoryCode: row.category_code, gridCode: row.grid_code, source: row.source, standardId: row.standard_id ?? undefined });
  const unit = route.candidates[0];
  if (!route.autoDispatch || !unit || !row.category_code) return row;
  const standard = await app.eventConfig.standardFor(row.category_code, row.standard_id ?? undefined);
  if (!standard) return row;
  const now = Date.now();
  const decision = decide('dispatch', workflowFacts(row, now), { organizationIds: [] }, undefined);
  if ('refused' in decision) return row;
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const effect = effectOf('dispatch', row, decision.to, { now, calendar, limits, organizationId: unit.organizationId, standard });
  const updated = await run((trx, audit) =>
    persistTransition(trx, audit, { row, action: 'dispatch', to: decision.to, effect, actor: systemActor, at: new Date(now), note: '按派遣规则自动派遣' }),
  );
  app.realtime.publish({ type: 'event.changed', divisionCode: updated.division_code, data: { id: updated.id, code: updated.code, action: 'dispatch', state: updated.state } });
  return updated;
}

/** A repeated step changes nothing, so there is nothing to audit: the answer is the event as it stands. */
export function replay(request: FastifyRequest, row: EventRow) {
  request.audited = true;
  return eventDetail(request, row);
}

/** Loads and checks what the action needs besides the state machine: a unit, a date, a point. */
async function effectContext(app: FastifyInstance, actor: Actor, action: EventAction, row: EventRow, body: ActionBody, now: number): Promise<EffectContext> {
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const context: EffectContext = { now, calendar, limits, reason: body.reason };
  switch (action) {
    case 'dispatch': {
      if (body.organizationId === undefined) throw required('/organizationId');
      await checkUnits(app, actor, [body.organizationId], '/organizationId');
      const standard = row.category_code ? await app.eventConfig.standardFor(row.category_code, row.standard_id ?? undefined) : null;
      if (!standard) throw new AppError('EVENT_NO_STANDARD', 409, { code: row.category_code ?? '' });
      return { ...context, organizationId: body.organizationId, standard };
    }
    case 'register': {
      if (body.standardId === undefined) return context;
      const standard = row.category_code ? await app.eventConfig.activeStandard(row.category_code, body.standardId) : null;
      if (!standard) throw new AppError('EVENT_STANDARD_INVALID', 400, { id: body.standardId }, [{ field: '/standardId', code: 'EVENT_STANDARD_INVALID', params: { id: body.standardId } }]);
      return { ...context, standard };
    }
    case 'co_assign':
      if (!body.coUnitIds) throw required('/coUnitIds');
      await checkUnits(app, actor, body.coUnitIds, '/coUnitIds');
      return { ...context, coUnitIds: body.coUnitIds };
    case 'suspend': {
      if (!body.until) throw required('/until');
      const until = Date.parse(body.until);
      if (!(until > now && until <= now + maxSuspensionMillis)) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/until', code: 'EVENT_SUSPEND_UNTIL' }]);
      return { ...context, until };
    }
    case 'place': {
      if (!body.location) throw required('/location');
      const [lng, lat] = pointToWgs84(body.location, '/location');
      const grid = app.grids.locate(lng, lat);
      if (!grid) throw new AppError('OUTSIDE_ALL_GRIDS', 400, { lng, lat }, [{ field: '/location', code: 'OUTSIDE_ALL_GRIDS', params: { lng, lat } }]);
      if (!divisionInScope(actor.scope, grid.unitGridCode)) throw new AppError('OUT_OF_SCOPE', 400, { field: '/location' }, [{ field: '/location', code: 'OUT_OF_SCOPE' }]);
      return { ...context, placement: { lng, lat, gridCode: grid.unitGridCode } };
    }
    case 'decide_appeal':
      if (!body.decision) throw required('/decision');
      return { ...context, decision: body.decision };
    default:
      return context;
  }
}

/** Units given to an event must exist and lie inside the actor's scope. */
async function checkUnits(app: FastifyInstance, actor: Actor, ids: number[], field: string) {
  const found = await eventsRepo.organizations(app.db, ids);
  if (found.length !== ids.length || found.some((o) => !divisionInScope(actor.scope, o.division_code))) throw invalidReference(field);
}
