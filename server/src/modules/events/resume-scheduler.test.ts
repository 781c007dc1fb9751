import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { demoPassword } from '../../demo/demo-town.ts';
import { openTestDatabase } from '../../../test/test-database.ts';
import { homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { startResumeScheduler } from './resume-scheduler.ts';
import { resumeDeadline } from './work-calendar.ts';

/**
 * Restart safety: a suspension that falls due while no server runs is resumed by the next server,
 * from what the database holds alone.
 */
describe('resume scheduler', () => {
  let database: Database;
  let dataDir: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-resume-'));
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    const app = await buildApp({ config: loadConfig({ dataDir, databaseUrl: undefined, logLevel: 'silent' }), database, logger: false, strictAudit: true });
    await app.ready();
    return app;
  };

  async function as(app: App, username: string) {
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: demoPassword } });
    const cookie = `gz_session=${login.cookies.find((c) => c.name === 'gz_session')!.value}`;
    const csrf = login.json().csrfToken as string;
    return (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => app.inject({ method, url, payload, headers: { cookie, 'x-csrf-token': csrf } });
  }

  it('resumes a due suspension after a restart and recomputes the deadline from the database', async () => {
    const first = await start();
    await testCategory(first, 'E9906', { value: 2, unit: 'urgent_hour' });
    const command = await as(first, 'command');
    const dept = await as(first, 'dept');
    const report = await command('POST', '/api/events', { source: 'patrol', categoryCode: 'E9906', description: '道路积水', location: await pointIn(first, homeGrid) });
    const id = report.json().event.id as number;
    for (const [who, action, body] of [
      [command, 'register', {}],
      [command, 'dispatch', { organizationId: await orgId(first, 'GL-ENF') }],
      [dept, 'sign', {}],
    ] as const) {
      const response = await who('POST', `/api/events/${id}/actions/${action}`, body);
      expect(response.statusCode, response.body).toBe(200);
    }
    const until = Date.now() + 2000;
    const suspend = await command('POST', `/api/events/${id}/actions/suspend`, { reason: '等待排水管网施工', until: new Date(until).toISOString() });
    expect(suspend.statusCode, suspend.body).toBe(200);
    const paused = await database.db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(paused.state).toBe('suspended');
    await first.close();

    // The suspension falls due while no server runs.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, until - Date.now()) + 100));
    const second = await start();
    const scheduler = startResumeScheduler(second, 100);
    try {
      await scheduler.tick();
      const resumed = await database.db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      expect(resumed).toMatchObject({ state: 'handling', phase: 'handle', suspended_at: null, suspended_until: null, state_before_suspension: null });
      const last = await database.db.selectFrom('event_history').selectAll().where('event_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(last).toMatchObject({ action: 'resume', actor_type: 'system', from_state: 'suspended', to_state: 'handling' });
      const expected = resumeDeadline(await second.eventConfig.calendar(), 'urgent_hour', paused.handle_deadline!.getTime(), paused.suspended_at!.getTime(), last.at.getTime());
      expect(resumed.handle_deadline!.getTime()).toBe(expected);
      expect(resumed.phase_deadline!.getTime()).toBe(expected);
      const audit = await database.db.selectFrom('audit_log').select(['actor_type', 'action']).where('entity_type', '=', 'event').where('entity_id', '=', String(id)).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(audit).toEqual({ actor_type: 'system', action: 'event:case:resume' });
      // Nothing more is due: a second pass changes nothing.
      expect(await scheduler.tick()).toBe(0);
    } finally {
      await scheduler.stop();
      await second.close();
    }
  });
});
