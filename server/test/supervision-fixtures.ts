import type { Session, TestApp } from './test-app.ts';
import { eventsClient, homeGrid, orgId, pointIn } from './event-fixtures.ts';

/** Events walked through the real workflow API for the supervision and callback tests. */
export function caseWalker(t: TestApp, sessions: { command: Session; dept: Session }) {
  const api = eventsClient(t);

  async function step(session: Session, id: number, action: string, payload: Record<string, unknown> = {}) {
    const response = await api.act(session, id, action, payload);
    if (response.statusCode !== 200) throw new Error(`${action} on ${id}: ${response.statusCode} ${response.body}`);
    return response.json();
  }

  /** A report by the command center (hotline starts at 受理, patrol at 立案). */
  async function report(categoryCode: string, source = 'hotline', grid = homeGrid) {
    const response = await api.report(sessions.command, { source, categoryCode, description: '路边堆放垃圾', location: await pointIn(t.app, grid), address: '薛家村口' });
    if (response.statusCode !== 201) throw new Error(`report: ${response.body}`);
    return response.json().event as { id: number; code: string };
  }

  /** Up to 待签收 at the enforcement team (GL-ENF). */
  async function dispatched(categoryCode: string, source = 'hotline') {
    const event = await report(categoryCode, source);
    if (source === 'hotline' || source === 'public') await step(sessions.command, event.id, 'accept');
    await step(sessions.command, event.id, 'register');
    await step(sessions.command, event.id, 'dispatch', { organizationId: await orgId(t.app, 'GL-ENF') });
    return event;
  }

  /** From 待签收 to 结案. */
  async function closeFromDispatched(id: number) {
    await step(sessions.dept, id, 'sign');
    await step(sessions.dept, id, 'submit', { note: '已清理' });
    await step(sessions.command, id, 'request_check');
    await step(sessions.command, id, 'check_pass');
    return step(sessions.command, id, 'close');
  }

  /** Reported, dispatched, handled and closed. */
  async function closed(categoryCode: string, source = 'hotline') {
    const event = await dispatched(categoryCode, source);
    await closeFromDispatched(event.id);
    return event;
  }

  return { step, report, dispatched, closeFromDispatched, closed };
}
