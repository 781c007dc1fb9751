import type { EventState } from './event-workflow.ts';

/**
 * The work queues of the event center (待受理, 待核实, …) as sets of states. A queue is a view, not a
 * state: an organisation-scoped handler sees only its own units' events in 待签收/待处置 because its
 * data scope already limits it to them.
 */
export const queues = {
  accept: ['reported', 'pending_placement'],
  verify: ['verifying'],
  register: ['pending_register'],
  dispatch: ['pending_dispatch'],
  handle: ['pending_sign', 'handling'],
  check: ['handled', 'checking'],
  close: ['pending_close'],
  suspended: ['suspended'],
} as const satisfies Record<string, readonly EventState[]>;

export type QueueName = keyof typeof queues;
export const queueNames = Object.keys(queues) as QueueName[];

export const openStates: readonly EventState[] = Object.values(queues).flat();
