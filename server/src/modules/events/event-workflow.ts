/**
 * The closed loop as an explicit state machine (GB/T 30428 meanings: 核实 verify happens before
 * 立案 register, 核查 check after 处置 handle). Pure: it decides what an action does to an event;
 * the service loads, checks scope, persists and writes history.
 *
 *   pending_placement ─place→ reported ─accept→ pending_register ─register→ pending_dispatch
 *   reported ─request_verify→ verifying ─verify→ pending_register
 *   pending_register ─reject→ cancelled
 *   pending_dispatch ─dispatch→ pending_sign ─sign→ handling ─submit→ handled
 *   pending_sign | handling ─return (reason)→ pending_dispatch
 *   handled ─request_check→ checking ─check_pass→ pending_close ─close→ closed
 *   checking ─check_fail (返工)→ pending_sign (same unit, rework + 1)
 *   pending_sign | handling ─suspend→ suspended ─resume→ (the state it left)
 *   any open state ─cancel→ cancelled · ─force_close→ closed (special)
 *   closed ─reopen (only on a dissatisfied callback of this closure)→ pending_dispatch
 *
 * The soft-notice path (outreach, 视频AI + 114), before a case is dispatched:
 *   reported | verifying | pending_register | pending_dispatch ─remind_party→ (same state)
 *     ─resolve_by_reminder (the party complied)→ closed (close type "reminder")
 *     ─escalate (not complied, or the grace period ran out)→ pending_dispatch, then dispatch to law enforcement
 */
export const eventStates = [
  'pending_placement',
  'reported',
  'verifying',
  'pending_register',
  'pending_dispatch',
  'pending_sign',
  'handling',
  'suspended',
  'handled',
  'checking',
  'pending_close',
  'closed',
  'cancelled',
] as const;
export type EventState = (typeof eventStates)[number];

export const terminalStates: readonly EventState[] = ['closed', 'cancelled'];

export const eventActions = [
  'place',
  'accept',
  'request_verify',
  'verify',
  'register',
  'reject',
  'dispatch',
  'sign',
  'return',
  'co_assign',
  'submit',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'suspend',
  'resume',
  'request_check',
  'check_pass',
  'check_fail',
  'close',
  'cancel',
  'force_close',
  'reopen',
  'appeal',
  'decide_appeal',
  'remind_party',
  'resolve_by_reminder',
  'escalate',
] as const;
export type EventAction = (typeof eventActions)[number];

/**
 * Steps only the outreach service takes (it also queues the messages and keeps the re-check deadline):
 * the generic action route does not accept them and the action buttons do not offer them.
 */
export const outreachSteps: readonly EventAction[] = ['remind_party', 'resolve_by_reminder', 'escalate'];
export const routeActions = eventActions.filter((action) => !outreachSteps.includes(action));

/** Who may act: a permission code, and whether the actor must be (one of) the handling unit(s). */
export interface ActionRule {
  from: readonly EventState[];
  /** The next state; `same` keeps the state (side actions), `previous` returns to where a pause began. */
  to: EventState | 'same' | 'previous';
  permission: string;
  byHandlingUnit?: boolean;
  needsReason?: boolean;
}

const open: EventState[] = ['pending_placement', 'reported', 'verifying', 'pending_register', 'pending_dispatch', 'pending_sign', 'handling', 'suspended', 'handled', 'checking', 'pending_close'];
const atUnit: EventState[] = ['pending_sign', 'handling'];
/** Not yet with a handling unit: a polite reminder may still settle it. */
export const beforeDispatch: EventState[] = ['reported', 'verifying', 'pending_register', 'pending_dispatch'];

export const workflow: Record<EventAction, ActionRule> = {
  place: { from: ['pending_placement'], to: 'reported', permission: 'event:case:accept' },
  accept: { from: ['reported'], to: 'pending_register', permission: 'event:case:accept' },
  request_verify: { from: ['reported'], to: 'verifying', permission: 'event:case:accept' },
  verify: { from: ['verifying'], to: 'pending_register', permission: 'event:case:verify' },
  register: { from: ['pending_register'], to: 'pending_dispatch', permission: 'event:case:register' },
  reject: { from: ['reported', 'pending_register'], to: 'cancelled', permission: 'event:case:register', needsReason: true },
  dispatch: { from: ['pending_dispatch'], to: 'pending_sign', permission: 'event:case:dispatch' },
  sign: { from: ['pending_sign'], to: 'handling', permission: 'event:case:handle', byHandlingUnit: true },
  return: { from: atUnit, to: 'pending_dispatch', permission: 'event:case:handle', byHandlingUnit: true, needsReason: true },
  co_assign: { from: atUnit, to: 'same', permission: 'event:case:dispatch' },
  submit: { from: ['handling'], to: 'handled', permission: 'event:case:handle', byHandlingUnit: true },
  request_extension: { from: atUnit, to: 'same', permission: 'event:case:handle', byHandlingUnit: true, needsReason: true },
  approve_extension: { from: atUnit, to: 'same', permission: 'event:case:supervise' },
  reject_extension: { from: atUnit, to: 'same', permission: 'event:case:supervise', needsReason: true },
  suspend: { from: atUnit, to: 'suspended', permission: 'event:case:supervise', needsReason: true },
  resume: { from: ['suspended'], to: 'previous', permission: 'event:case:supervise' },
  request_check: { from: ['handled'], to: 'checking', permission: 'event:case:accept' },
  check_pass: { from: ['checking'], to: 'pending_close', permission: 'event:case:verify' },
  check_fail: { from: ['checking'], to: 'pending_sign', permission: 'event:case:verify', needsReason: true },
  close: { from: ['pending_close'], to: 'closed', permission: 'event:case:close' },
  cancel: { from: open, to: 'cancelled', permission: 'event:case:cancel', needsReason: true },
  force_close: { from: open, to: 'closed', permission: 'event:case:force-close', needsReason: true },
  reopen: { from: ['closed'], to: 'pending_dispatch', permission: 'event:case:callback' },
  appeal: { from: ['closed'], to: 'same', permission: 'event:case:handle', byHandlingUnit: true, needsReason: true },
  decide_appeal: { from: ['closed'], to: 'same', permission: 'event:case:supervise' },
  remind_party: { from: beforeDispatch, to: 'same', permission: 'outreach:reminder:send' },
  resolve_by_reminder: { from: beforeDispatch, to: 'closed', permission: 'outreach:reminder:recheck' },
  escalate: { from: beforeDispatch, to: 'pending_dispatch', permission: 'outreach:reminder:recheck' },
};

/**
 * History steps whose note answers the reporter (处置反馈, 结案, and the reason of a refusal or
 * cancellation); the notes of every other step are internal (dispatch orders, returns, supervision).
 * The resident's progress page and Open311's status_notes show the latest of them.
 */
export const publicReplyActions: readonly EventAction[] = ['submit', 'close', 'force_close', 'reject', 'cancel'];

/** At most two extensions, each adding one original limit (延期). */
export const maxExtensions = 2;

export type WorkflowRefusal =
  | 'ILLEGAL_TRANSITION'
  | 'REASON_REQUIRED'
  | 'NOT_HANDLING_UNIT'
  | 'EXTENSION_LIMIT'
  | 'EXTENSION_NOT_ALLOWED'
  | 'NO_PENDING_EXTENSION'
  | 'APPEAL_NOT_ALLOWED'
  | 'NO_PENDING_APPEAL'
  | 'REOPEN_NEEDS_CALLBACK';

export interface WorkflowFacts {
  state: EventState;
  /** The state an event left when it was suspended. */
  stateBeforeSuspension: EventState | null;
  handlingUnitIds: number[];
  extensionCount: number;
  extensionRequested: boolean;
  handleOverdue: boolean;
  appealStatus: 'none' | 'pending' | 'approved' | 'rejected';
  /** Whether the handling phase ran late (only then may the unit appeal after closure). */
  handleTimedOut: boolean;
  /**
   * Whether the callback (回访) of the current closure was just recorded as dissatisfied. A closed case
   * is reopened for that reason only (重办); a leader's decision closes cases (force_close) and a
   * 超时申诉 changes the record, neither reopens. Only the callback service can know it, so the
   * generic action route never reopens.
   */
  dissatisfiedCallback: boolean;
}

export interface ActorFacts {
  organizationIds: number[];
}

/** The state an action leads to, or the reason it is refused. Permission and scope are checked by the caller. */
export function decide(action: EventAction, facts: WorkflowFacts, actor: ActorFacts, reason: string | undefined): { to: EventState } | { refused: WorkflowRefusal } {
  const rule = workflow[action];
  if (!rule.from.includes(facts.state)) return { refused: 'ILLEGAL_TRANSITION' };
  if (rule.needsReason && !reason?.trim()) return { refused: 'REASON_REQUIRED' };
  if (rule.byHandlingUnit && !facts.handlingUnitIds.some((id) => actor.organizationIds.includes(id))) return { refused: 'NOT_HANDLING_UNIT' };
  switch (action) {
    case 'request_extension':
      if (facts.extensionCount >= maxExtensions) return { refused: 'EXTENSION_LIMIT' };
      if (facts.handleOverdue || facts.extensionRequested) return { refused: 'EXTENSION_NOT_ALLOWED' };
      break;
    case 'approve_extension':
    case 'reject_extension':
      if (!facts.extensionRequested) return { refused: 'NO_PENDING_EXTENSION' };
      break;
    case 'appeal':
      if (!facts.handleTimedOut || facts.appealStatus !== 'none') return { refused: 'APPEAL_NOT_ALLOWED' };
      break;
    case 'decide_appeal':
      if (facts.appealStatus !== 'pending') return { refused: 'NO_PENDING_APPEAL' };
      break;
    case 'reopen':
      if (!facts.dissatisfiedCallback) return { refused: 'REOPEN_NEEDS_CALLBACK' };
      break;
  }
  if (rule.to === 'same') return { to: facts.state };
  if (rule.to === 'previous') return { to: facts.stateBeforeSuspension ?? 'handling' };
  return { to: rule.to };
}

/** The actions the workflow allows in a state (the UI shows only these, further filtered by permission). */
export function actionsFrom(state: EventState): EventAction[] {
  return eventActions.filter((action) => workflow[action].from.includes(state));
}

/** The six steps the public sees (上报 → 立案 → 派遣 → 处置 → 反馈 → 结案). */
export function publicStage(state: EventState): 'reported' | 'registered' | 'dispatched' | 'handling' | 'feedback' | 'closed' | 'cancelled' {
  switch (state) {
    case 'pending_placement':
    case 'reported':
    case 'verifying':
    case 'pending_register':
      return 'reported';
    case 'pending_dispatch':
      return 'registered';
    case 'pending_sign':
      return 'dispatched';
    case 'handling':
    case 'suspended':
      return 'handling';
    case 'handled':
    case 'checking':
    case 'pending_close':
      return 'feedback';
    case 'closed':
      return 'closed';
    case 'cancelled':
      return 'cancelled';
  }
}
