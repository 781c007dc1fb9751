import type { EventAction, EventState, HistoryEntry, PublicStage, QueueName } from '../../api/events';
import { publicStages } from '../../api/events';

/**
 * What the screens need to know about the server's workflow (server/src/modules/events/event-workflow.ts
 * and queues.ts). The server stays the judge: it lists the actions I may take on each event.
 */

/** The queues a role works in: those whose steps its permissions allow. Order = how soon they fall due. */
export const queuePermissions: Record<QueueName, string[]> = {
  accept: ['event:case:accept'],
  verify: ['event:case:verify'],
  register: ['event:case:register'],
  dispatch: ['event:case:dispatch'],
  // Handlers sign and handle; supervisors watch the units' deadlines and decide extensions.
  handle: ['event:case:handle', 'event:case:supervise'],
  check: ['event:case:accept', 'event:case:verify'],
  close: ['event:case:close'],
  suspended: ['event:case:supervise'],
};

/** Actions the server refuses without a reason (`needsReason` in the workflow table). */
export const reasonActions: ReadonlySet<EventAction> = new Set([
  'reject',
  'return',
  'request_extension',
  'reject_extension',
  'suspend',
  'check_fail',
  'cancel',
  'force_close',
  'appeal',
]);

/** Steps whose result is best shown with photos (处置后, 核实/核查 on the spot). */
export const photoActions: ReadonlySet<EventAction> = new Set(['verify', 'submit', 'check_pass', 'check_fail']);

/**
 * The next step of the loop first, side steps after, steps that end a case last. `reopen` is not a
 * button: a dissatisfied callback (the callback panel) reopens the case.
 */
export const actionOrder: EventAction[] = [
  'place',
  'accept',
  'verify',
  'register',
  'dispatch',
  'sign',
  'submit',
  'request_check',
  'check_pass',
  'close',
  'decide_appeal',
  'approve_extension',
  'resume',
  'request_verify',
  'co_assign',
  'request_extension',
  'reject_extension',
  'check_fail',
  'return',
  'suspend',
  'appeal',
  'reject',
  'cancel',
  'force_close',
];

/** The main step of a state (the filled button); the others are plain. */
const primary: ReadonlySet<EventAction> = new Set(['place', 'accept', 'verify', 'register', 'dispatch', 'sign', 'submit', 'request_check', 'check_pass', 'close', 'resume']);
const destructive: ReadonlySet<EventAction> = new Set(['reject', 'cancel', 'force_close', 'check_fail', 'return']);

export function actionButtonType(action: EventAction): 'primary' | 'danger' | 'default' {
  if (primary.has(action)) return 'primary';
  return destructive.has(action) ? 'danger' : 'default';
}

/** The public step an event's state shows as (same table as the server's `publicStage`). */
export function publicStageOf(state: string): PublicStage {
  switch (state as EventState) {
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
    default:
      return 'reported';
  }
}

/** When each public step was first reached, from the timeline. */
export function stageTimes(timeline: HistoryEntry[]): Map<PublicStage, string> {
  const times = new Map<PublicStage, string>();
  for (const entry of timeline) {
    const stage = publicStageOf(entry.toState);
    if (!times.has(stage)) times.set(stage, entry.at);
  }
  return times;
}

/** Index of the step for ElSteps / van-steps: a cancelled case stops where it was. */
export function stageIndex(stage: PublicStage, times: Map<PublicStage, string>): number {
  if (stage !== 'cancelled') return publicStages.indexOf(stage);
  return Math.max(...publicStages.map((s, i) => (times.has(s) ? i : 0)));
}
