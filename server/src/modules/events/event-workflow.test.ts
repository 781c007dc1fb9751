import { describe, expect, it } from 'vitest';
import { actionsFrom, decide, eventActions, eventStates, outreachSteps, publicStage, routeActions, workflow, type EventAction, type EventState, type WorkflowFacts } from './event-workflow.ts';

const facts = (state: EventState, extra: Partial<WorkflowFacts> = {}): WorkflowFacts => ({
  state,
  stateBeforeSuspension: null,
  handlingUnitIds: [7],
  extensionCount: 0,
  extensionRequested: false,
  handleOverdue: false,
  appealStatus: 'none',
  handleTimedOut: false,
  dissatisfiedCallback: false,
  ...extra,
});
const unit = { organizationIds: [7] };
const stranger = { organizationIds: [8] };

describe('event workflow', () => {
  it('walks the standard loop from report to closure', () => {
    const path: [EventAction, EventState][] = [
      ['request_verify', 'verifying'],
      ['verify', 'pending_register'],
      ['register', 'pending_dispatch'],
      ['dispatch', 'pending_sign'],
      ['sign', 'handling'],
      ['submit', 'handled'],
      ['request_check', 'checking'],
      ['check_pass', 'pending_close'],
      ['close', 'closed'],
    ];
    let state: EventState = 'reported';
    for (const [action, expected] of path) {
      const result = decide(action, facts(state), unit, 'ok');
      expect(result).toEqual({ to: expected });
      state = expected;
    }
  });

  it('allows exactly the transitions in the table and refuses every other one', () => {
    for (const state of eventStates) {
      for (const action of eventActions) {
        const result = decide(action, facts(state, { extensionRequested: action.endsWith('_extension') && action !== 'request_extension', appealStatus: action === 'decide_appeal' ? 'pending' : 'none', handleTimedOut: true, dissatisfiedCallback: true }), unit, 'a reason');
        const allowed = workflow[action].from.includes(state);
        expect({ state, action, allowed: 'to' in result }).toEqual({ state, action, allowed });
      }
    }
  });

  it('needs a reason to return, reject, cancel, force-close or fail a check', () => {
    expect(decide('return', facts('handling'), unit, '')).toEqual({ refused: 'REASON_REQUIRED' });
    expect(decide('return', facts('handling'), unit, '  ')).toEqual({ refused: 'REASON_REQUIRED' });
    expect(decide('check_fail', facts('checking'), unit, undefined)).toEqual({ refused: 'REASON_REQUIRED' });
    expect(decide('return', facts('handling'), unit, '不属于本单位职责')).toEqual({ to: 'pending_dispatch' });
  });

  it('lets only the handling unit sign, handle, return and appeal', () => {
    expect(decide('sign', facts('pending_sign'), stranger, undefined)).toEqual({ refused: 'NOT_HANDLING_UNIT' });
    expect(decide('submit', facts('handling'), stranger, undefined)).toEqual({ refused: 'NOT_HANDLING_UNIT' });
    expect(decide('sign', facts('pending_sign', { handlingUnitIds: [3, 8] }), stranger, undefined)).toEqual({ to: 'handling' }); // co-handling unit
  });

  it('sends a failed check back to the same unit, and a dissatisfied callback back to dispatch', () => {
    expect(decide('check_fail', facts('checking'), unit, '未清理干净')).toEqual({ to: 'pending_sign' });
    expect(decide('reopen', facts('closed', { dissatisfiedCallback: true }), unit, undefined)).toEqual({ to: 'pending_dispatch' });
  });

  it('reopens a closed case only on a dissatisfied callback, never on its own', () => {
    expect(decide('reopen', facts('closed'), unit, '领导要求重办')).toEqual({ refused: 'REOPEN_NEEDS_CALLBACK' });
    expect(decide('reopen', facts('handling', { dissatisfiedCallback: true }), unit, undefined)).toEqual({ refused: 'ILLEGAL_TRANSITION' });
  });

  it('extends at most twice, never when overdue, and only on request', () => {
    expect(decide('request_extension', facts('handling', { extensionCount: 1 }), unit, '需采购材料')).toEqual({ to: 'handling' });
    expect(decide('request_extension', facts('handling', { extensionCount: 2 }), unit, '再延')).toEqual({ refused: 'EXTENSION_LIMIT' });
    expect(decide('request_extension', facts('handling', { handleOverdue: true }), unit, '晚了')).toEqual({ refused: 'EXTENSION_NOT_ALLOWED' });
    expect(decide('approve_extension', facts('handling'), unit, undefined)).toEqual({ refused: 'NO_PENDING_EXTENSION' });
    expect(decide('approve_extension', facts('handling', { extensionRequested: true }), unit, undefined)).toEqual({ to: 'handling' });
  });

  it('suspends and resumes to the state it left', () => {
    expect(decide('suspend', facts('pending_sign'), unit, '待汛期后施工')).toEqual({ to: 'suspended' });
    expect(decide('resume', facts('suspended', { stateBeforeSuspension: 'pending_sign' }), unit, undefined)).toEqual({ to: 'pending_sign' });
    expect(decide('submit', facts('suspended'), unit, undefined)).toEqual({ refused: 'ILLEGAL_TRANSITION' });
  });

  it('appeals a timeout once, after closure, only when the handling ran late', () => {
    expect(decide('appeal', facts('closed', { handleTimedOut: false }), unit, '暴雨')).toEqual({ refused: 'APPEAL_NOT_ALLOWED' });
    expect(decide('appeal', facts('closed', { handleTimedOut: true }), unit, '暴雨')).toEqual({ to: 'closed' });
    expect(decide('appeal', facts('closed', { handleTimedOut: true, appealStatus: 'rejected' }), unit, '再诉')).toEqual({ refused: 'APPEAL_NOT_ALLOWED' });
    expect(decide('appeal', facts('handling', { handleTimedOut: true }), unit, '暴雨')).toEqual({ refused: 'ILLEGAL_TRANSITION' });
  });

  it('offers no actions on a cancelled event and maps states to the public steps', () => {
    expect(actionsFrom('cancelled')).toEqual([]);
    expect(actionsFrom('pending_sign')).toEqual(expect.arrayContaining(['sign', 'return', 'co_assign', 'suspend', 'cancel', 'force_close']));
    expect(eventStates.map(publicStage)).toContain('feedback');
  });

  it('takes the soft-notice path (outreach) only before dispatch, and never through the generic action route', () => {
    expect(decide('remind_party', facts('reported'), unit, undefined)).toEqual({ to: 'reported' });
    expect(decide('resolve_by_reminder', facts('pending_dispatch'), unit, undefined)).toEqual({ to: 'closed' });
    expect(decide('escalate', facts('pending_register'), unit, undefined)).toEqual({ to: 'pending_dispatch' });
    expect(decide('remind_party', facts('pending_sign'), unit, undefined)).toEqual({ refused: 'ILLEGAL_TRANSITION' });
    expect(decide('escalate', facts('closed'), unit, undefined)).toEqual({ refused: 'ILLEGAL_TRANSITION' });
    expect(routeActions.some((a) => outreachSteps.includes(a))).toBe(false);
    expect(routeActions.length + outreachSteps.length).toBe(eventActions.length);
  });
});
