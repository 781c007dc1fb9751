import type { Selectable, Updateable } from 'kysely';
import type { EventTable, Urgency } from './events.tables.ts';
import type { EventAction, EventState, WorkflowFacts } from './event-workflow.ts';
import type { PhaseLimits, PhaseLimitsByUrgency, StandardChoice } from './config/event-config.ts';
import { addWorkingMillis, deadlineFor, resumeDeadline, type LimitUnit, type WorkCalendar } from './work-calendar.ts';

/**
 * What an allowed action does to an event's columns besides its state: timers, counters, units.
 * Pure: the workflow service loads the facts, calls `decide`, then applies this patch in one
 * version-checked UPDATE.
 */
export type EventRow = Selectable<EventTable>;
export type EventPatch = Updateable<EventTable>;

/** The running timer of each state. 立案 and 结案 are the shift supervisor's steps and are timed like 受理. */
export type Phase = 'accept' | 'verify' | 'register' | 'dispatch' | 'handle' | 'check' | 'close' | 'suspended';

export function phaseOf(state: EventState): Phase | null {
  switch (state) {
    case 'pending_placement':
    case 'reported':
      return 'accept';
    case 'verifying':
      return 'verify';
    case 'pending_register':
      return 'register';
    case 'pending_dispatch':
      return 'dispatch';
    case 'pending_sign':
    case 'handling':
      return 'handle';
    case 'suspended':
      return 'suspended';
    case 'handled':
    case 'checking':
      return 'check';
    case 'pending_close':
      return 'close';
    case 'closed':
    case 'cancelled':
      return null;
  }
}

const phaseMinutes = (phase: Phase, limits: PhaseLimits): number => {
  switch (phase) {
    case 'verify':
      return limits.verifyMinutes;
    case 'dispatch':
      return limits.dispatchMinutes;
    case 'check':
      return limits.checkMinutes;
    default:
      return limits.acceptMinutes;
  }
};

/**
 * The time unit a phase is measured in: the standard's unit while handling; otherwise working time for
 * normal events and natural time for urgent and critical ones.
 */
export function phaseUnit(row: Pick<EventRow, 'phase' | 'handle_limit_unit' | 'urgency'>): LimitUnit {
  if (row.phase === 'handle' && row.handle_limit_unit) return row.handle_limit_unit;
  return row.urgency === 'normal' ? 'work_hour' : 'urgent_hour';
}

/**
 * A minutes-long phase limit for the event's urgency: on working time for normal events (a report at
 * 22:00 is due shortly after work starts), around the clock with the shorter limits for urgent ones.
 */
export function phaseDeadline(calendar: WorkCalendar, phase: Phase, start: number, limits: PhaseLimitsByUrgency, urgency: Urgency): Date {
  const millis = phaseMinutes(phase, limits[urgency]) * 60_000;
  return new Date(urgency === 'normal' ? addWorkingMillis(calendar, start, millis) : start + millis);
}

export interface EffectContext {
  now: number;
  calendar: WorkCalendar;
  limits: PhaseLimitsByUrgency;
  reason?: string;
  /** dispatch: the handling unit and the standard giving the handling limit; register: the chosen standard. */
  organizationId?: number;
  standard?: Pick<StandardChoice, 'id' | 'limitValue' | 'limitUnit'>;
  /** co_assign */
  coUnitIds?: number[];
  /** suspend */
  until?: number;
  /** decide_appeal */
  decision?: 'approve' | 'reject';
  /** place */
  placement?: { lng: number; lat: number; gridCode: string };
}

export interface Effect {
  patch: EventPatch;
  /** Facts worth keeping in the history row (deadlines set, units added). */
  details: Record<string, unknown>;
}

export function workflowFacts(row: EventRow, now: number): WorkflowFacts {
  return {
    state: row.state as EventState,
    stateBeforeSuspension: row.state_before_suspension as EventState | null,
    handlingUnitIds: [row.handling_unit_id, ...row.co_unit_ids].filter((id): id is number => id !== null),
    extensionCount: row.extension_count,
    extensionRequested: row.extension_request !== null,
    handleOverdue: row.handle_deadline !== null && now > row.handle_deadline.getTime(),
    appealStatus: row.appeal_status,
    handleTimedOut: row.handle_timed_out,
    // The row does not know its callbacks: the callback service sets this when it reopens.
    dissatisfiedCallback: false,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The patch for `action` taking `row` to state `to` (already allowed by `decide`). */
export function effectOf(action: EventAction, row: EventRow, to: EventState, ctx: EffectContext): Effect {
  const now = new Date(ctx.now);
  const patch: EventPatch = { state: to, updated_at: now };
  const details: Record<string, unknown> = {};

  switch (action) {
    case 'place':
      if (!ctx.placement) throw new Error('place needs a placement');
      Object.assign(patch, { lng: ctx.placement.lng, lat: ctx.placement.lat, grid_code: ctx.placement.gridCode, division_code: ctx.placement.gridCode });
      details.gridCode = ctx.placement.gridCode;
      break;
    case 'register':
      if (ctx.standard) {
        patch.standard_id = ctx.standard.id;
        details.standardId = ctx.standard.id;
      }
      break;
    case 'dispatch': {
      if (!ctx.standard || ctx.organizationId === undefined) throw new Error('dispatch needs a unit and a standard');
      const value = ctx.standard.limitValue;
      const deadline = new Date(deadlineFor(ctx.calendar, ctx.now, value, ctx.standard.limitUnit));
      Object.assign(patch, {
        handling_unit_id: ctx.organizationId,
        co_unit_ids: [],
        standard_id: ctx.standard.id,
        dispatch_count: row.dispatch_count + 1,
        handle_started_at: now,
        handle_deadline: deadline,
        handle_limit_value: value,
        handle_limit_unit: ctx.standard.limitUnit,
        handle_finished_at: null,
        handle_timed_out: false,
      });
      Object.assign(details, { organizationId: ctx.organizationId, handleDeadline: deadline.toISOString(), limit: `${value} ${ctx.standard.limitUnit}` });
      break;
    }
    case 'return':
      Object.assign(patch, { handling_unit_id: null, co_unit_ids: [], return_count: row.return_count + 1, handle_started_at: null, handle_deadline: null, extension_request: null });
      details.organizationId = row.handling_unit_id;
      break;
    case 'co_assign': {
      const added = (ctx.coUnitIds ?? []).filter((id) => id !== row.handling_unit_id && !row.co_unit_ids.includes(id));
      patch.co_unit_ids = [...row.co_unit_ids, ...added];
      details.coUnitIds = added;
      break;
    }
    case 'submit': {
      const late = row.handle_deadline !== null && ctx.now > row.handle_deadline.getTime();
      Object.assign(patch, { handle_finished_at: now, handle_timed_out: late, extension_request: null });
      details.late = late;
      break;
    }
    case 'request_extension':
      patch.extension_request = ctx.reason ?? '';
      break;
    case 'approve_extension': {
      // Each approval adds one original limit to the current deadline (延期).
      const deadline = new Date(deadlineFor(ctx.calendar, row.handle_deadline!.getTime(), Number(row.handle_limit_value), row.handle_limit_unit!));
      Object.assign(patch, { extension_count: row.extension_count + 1, extension_request: null, handle_deadline: deadline });
      details.handleDeadline = deadline.toISOString();
      break;
    }
    case 'reject_extension':
      patch.extension_request = null;
      break;
    case 'suspend':
      if (ctx.until === undefined) throw new Error('suspend needs an end');
      Object.assign(patch, { state_before_suspension: row.state, suspended_at: now, suspended_until: new Date(ctx.until) });
      details.until = iso(ctx.until);
      break;
    case 'resume': {
      // The pause does not count: the deadline moves by the (working) time the suspension took.
      const deadline = new Date(resumeDeadline(ctx.calendar, row.handle_limit_unit ?? 'work_hour', row.handle_deadline!.getTime(), row.suspended_at!.getTime(), ctx.now));
      Object.assign(patch, { handle_deadline: deadline, state_before_suspension: null, suspended_at: null, suspended_until: null });
      details.handleDeadline = deadline.toISOString();
      break;
    }
    case 'check_fail': {
      // 返工: back to the same unit with a fresh handling limit.
      const deadline = new Date(deadlineFor(ctx.calendar, ctx.now, Number(row.handle_limit_value), row.handle_limit_unit!));
      Object.assign(patch, { rework_count: row.rework_count + 1, handle_started_at: now, handle_deadline: deadline, handle_finished_at: null });
      Object.assign(details, { organizationId: row.handling_unit_id, handleDeadline: deadline.toISOString() });
      break;
    }
    case 'close':
      Object.assign(patch, { close_type: row.handle_timed_out ? 'overtime' : 'normal', closed_at: now });
      details.closeType = patch.close_type;
      break;
    case 'force_close':
      Object.assign(patch, { close_type: 'special', closed_at: now });
      details.closeType = 'special';
      break;
    case 'resolve_by_reminder':
      Object.assign(patch, { close_type: 'reminder', closed_at: now });
      details.closeType = 'reminder';
      break;
    case 'reopen':
      // A dissatisfied callback sends the case back to dispatch and counts as rework (重办).
      Object.assign(patch, { close_type: null, closed_at: null, rework_count: row.rework_count + 1, handling_unit_id: null, co_unit_ids: [], handle_started_at: null, handle_deadline: null, handle_finished_at: null });
      break;
    case 'appeal':
      patch.appeal_status = 'pending';
      break;
    case 'decide_appeal':
      patch.appeal_status = ctx.decision === 'approve' ? 'approved' : 'rejected';
      details.decision = ctx.decision;
      break;
  }

  Object.assign(patch, timerPatch(row, to, patch, ctx));
  return { patch, details };
}

/** Restarts the phase timer when the phase changes; keeps it running when it does not (sign, request_check). */
function timerPatch(row: EventRow, to: EventState, patch: EventPatch, ctx: EffectContext): EventPatch {
  const phase = phaseOf(to);
  if (phase === null) return { phase: null, phase_started_at: null, phase_deadline: null };
  const now = new Date(ctx.now);
  if (phase === 'suspended') return { phase, phase_started_at: now, phase_deadline: new Date(ctx.until!) };
  if (phase === 'handle') {
    const started = ('handle_started_at' in patch ? patch.handle_started_at : row.handle_started_at) as Date | null;
    const deadline = ('handle_deadline' in patch ? patch.handle_deadline : row.handle_deadline) as Date | null;
    return { phase, phase_started_at: started ?? now, phase_deadline: deadline };
  }
  if (phase === row.phase && row.phase_deadline) return {};
  return { phase, phase_started_at: now, phase_deadline: phaseDeadline(ctx.calendar, phase, ctx.now, ctx.limits, row.urgency) };
}
