import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import { openPostgres, type Database } from './database.ts';
import { batches } from './cluster-bus.ts';
import { createTestApp, type Session, type TestApp } from '../../test/test-app.ts';
import type { RealtimeMessage } from '../realtime/realtime-hub.ts';

/**
 * Two API nodes on one PostgreSQL database (the deployment the architecture scales to): what one node
 * changes, the other's caches and live streams follow at once, without waiting for cache expiry.
 */
describe.skipIf(!process.env.TEST_DATABASE_URL)('cluster bus between two API nodes', () => {
  let a: TestApp;
  let b: App;
  let bDatabase: Database;
  let admin: Session;

  /** Like t.as, against node B. */
  const onB = (session: Session, options: { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: object }) =>
    b.inject({ ...options, headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken } });
  const eventually = async (check: () => Promise<boolean> | boolean) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('not within 2 s');
  };

  beforeAll(async () => {
    a = await createTestApp();
    bDatabase = await openPostgres(a.app.database.connectionString!, 2);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-node-b-'));
    b = await buildApp({ config: loadConfig({ dataDir, databaseUrl: undefined, logLevel: 'silent' }), database: bDatabase, logger: false });
    await b.ready();
    admin = await a.login('admin');
  });
  afterAll(async () => {
    await b?.close();
    await bDatabase?.close();
    await a?.close();
  });

  it('ends a session on every node when it signs out on one', async () => {
    const command = await a.login('command');
    // Node B has the session cached.
    expect((await onB(command, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(200);
    expect((await a.as(command, { method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    await eventually(async () => (await onB(command, { method: 'GET', url: '/api/auth/me' })).statusCode === 401);
  });

  it('reloads the event configuration on the other node after a change', async () => {
    const report = (node: 'a' | 'b') => {
      const payload = { source: 'hotline', categoryCode: 'E0199', description: '其他市容问题' };
      return node === 'a' ? a.as(admin, { method: 'POST', url: '/api/events', payload }) : onB(admin, { method: 'POST', url: '/api/events', payload });
    };
    // B caches the configuration with E0199 active.
    expect((await report('b')).statusCode).toBe(201);
    expect((await a.as(admin, { method: 'PATCH', url: '/api/event-config/categories/E0199', payload: { active: false } })).statusCode).toBe(200);
    await eventually(async () => (await report('b')).statusCode === 400);
    expect((await report('b')).json().code).toBe('EVENT_CATEGORY_UNKNOWN');
    await a.as(admin, { method: 'PATCH', url: '/api/event-config/categories/E0199', payload: { active: true } });
  });

  it('reloads the grid index on the other node after grids changed', async () => {
    const reload = vi.spyOn(b.grids, 'reload');
    await a.app.grids.changed(a.app.db);
    await eventually(() => reload.mock.calls.length > 0);
  });

  it('delivers live updates to subscribers of the other node', async () => {
    const received: RealtimeMessage[] = [];
    const stop = b.realtime.subscribe(() => true, (message) => received.push(message));
    a.app.realtime.publish({ type: 'event.created', divisionCode: '330203103201', data: { id: 1 } });
    await eventually(() => received.length === 1);
    expect(received[0]).toEqual({ type: 'event.created', divisionCode: '330203103201', data: { id: 1 } });
    stop();
  });
});

describe('cluster bus batching', () => {
  it('packs messages into NOTIFY payloads within the size limit, in order, each once', () => {
    const texts = Array.from({ length: 40 }, (_, i) => JSON.stringify({ topic: 'realtime', payload: { id: i, note: '事件'.repeat(i) } }));
    const groups = batches(texts, 600);
    expect(groups.flat()).toEqual(texts);
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) expect(Buffer.byteLength(`[${group.join(',')}]`)).toBeLessThanOrEqual(600);
    expect(batches([], 600)).toEqual([]);
    expect(batches(['"a"', '"b"'], 600)).toEqual([['"a"', '"b"']]);
  });
});
