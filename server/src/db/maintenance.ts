import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { localDate } from '../modules/events/work-calendar.ts';
import { runPeriodically, type Periodic } from '../lib/periodic.ts';

/**
 * PGlite has no autovacuum: nothing gathers planner statistics or reclaims dead rows by itself, so
 * plans degrade as tables grow (seen on the dashboard: the whole town sorted instead of an index
 * walk). This job does what autovacuum would: ANALYZE soon after start and every few hours, VACUUM once
 * a night in the quiet hour (it holds the single connection for a while). PostgreSQL runs its own
 * autovacuum, so the job is only started on PGlite.
 */
const analyzeEveryMillis = 6 * 3_600_000;
/** Local hour (Asia/Shanghai) of the nightly VACUUM. */
const vacuumHour = 3;
const checkEveryMillis = 10 * 60_000;

export interface MaintenancePass {
  analyzed: boolean;
  vacuumed: boolean;
}

/** `tick()`: one check now, doing whatever is due. */
export type Maintenance = Periodic<MaintenancePass>;

const shanghaiHour = (ms: number) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(ms));

export function startMaintenance(app: FastifyInstance, options: { now?: () => number; firstCheckMillis?: number } = {}): Maintenance {
  const now = options.now ?? Date.now;
  let lastAnalyze = 0;
  let lastVacuumDay = '';

  async function pass(): Promise<MaintenancePass> {
    const at = now();
    const result = { analyzed: false, vacuumed: false };
    const day = localDate(at);
    if (shanghaiHour(at) === vacuumHour && lastVacuumDay !== day) {
      const started = Date.now();
      // VACUUM (ANALYZE) refreshes the statistics too.
      await sql`VACUUM (ANALYZE)`.execute(app.db);
      lastVacuumDay = day;
      lastAnalyze = at;
      app.log.info({ millis: Date.now() - started }, 'nightly VACUUM (ANALYZE) done');
      return { analyzed: true, vacuumed: true };
    }
    if (at - lastAnalyze >= analyzeEveryMillis) {
      const started = Date.now();
      await sql`ANALYZE`.execute(app.db);
      lastAnalyze = at;
      result.analyzed = true;
      app.log.info({ millis: Date.now() - started }, 'ANALYZE done');
    }
    return result;
  }

  // Not at once: start-up and the first requests come first.
  return runPeriodically(app.log, 'database maintenance failed', checkEveryMillis, pass, { firstAfterMs: options.firstCheckMillis ?? 60_000 });
}
