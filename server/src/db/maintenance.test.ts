import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';
import { startMaintenance } from './maintenance.ts';

/** What autovacuum would do on PostgreSQL, done on a schedule for the embedded database. */
describe('database maintenance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await sql`CREATE TABLE maintenance_probe (id integer)`.execute(t.app.db);
    await sql`INSERT INTO maintenance_probe SELECT generate_series(1, 5000)`.execute(t.app.db);
  });
  afterAll(() => t.close());

  const estimatedRows = async () => Number((await sql<{ n: number }>`SELECT reltuples AS n FROM pg_class WHERE relname = 'maintenance_probe'`.execute(t.app.db)).rows[0]!.n);

  it('gathers planner statistics at once, then every six hours, and vacuums once in the quiet hour', async () => {
    // Never analysed: the planner has no row estimate.
    expect(await estimatedRows()).toBe(-1);
    let clock = Date.parse('2026-12-01T10:00:00+08:00');
    const job = startMaintenance(t.app, { now: () => clock, firstCheckMillis: 3_600_000 });
    try {
      expect(await job.tick()).toEqual({ analyzed: true, vacuumed: false });
      expect(await estimatedRows()).toBe(5000);
      clock += 3_600_000;
      expect(await job.tick()).toEqual({ analyzed: false, vacuumed: false });
      clock += 5 * 3_600_000;
      expect(await job.tick()).toEqual({ analyzed: true, vacuumed: false });
      // 03:10 the next night: VACUUM once, not again ten minutes later.
      clock = Date.parse('2026-12-02T03:10:00+08:00');
      expect(await job.tick()).toEqual({ analyzed: true, vacuumed: true });
      clock += 10 * 60_000;
      expect(await job.tick()).toEqual({ analyzed: false, vacuumed: false });
    } finally {
      await job.stop();
    }
  });
});
