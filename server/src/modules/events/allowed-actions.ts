import type { Actor } from '../../auth/actor.ts';
import { grants } from '../../auth/permissions.ts';
import { actionsFrom, decide, outreachSteps, workflow, type EventAction, type WorkflowFacts } from './event-workflow.ts';

/**
 * The actions the UI offers me: those the workflow allows from the state that my permissions and my
 * units allow too. A reason is assumed given: the form asks for it when the action needs one.
 */
export function allowedActions(actor: Actor, facts: WorkflowFacts): EventAction[] {
  return actionsFrom(facts.state).filter(
    (action) => !outreachSteps.includes(action) && grants(actor.permissions, workflow[action].permission) && !('refused' in decide(action, facts, { organizationIds: actor.scope.organizationIds }, 'reason')),
  );
}
