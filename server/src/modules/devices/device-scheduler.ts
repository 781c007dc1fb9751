import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { runPeriodically } from '../../lib/periodic.ts';

/** Old telemetry is deleted a slice at a time, so that one tick never holds the database long. */
const purgeSlice = 20_000;

export interface DeviceScheduler {
  /** One pass at `now` (tests move the clock): silence check, event retries, device refresh, purge. */
  tick(now?: number): Promise<{ offline: number; retried: number; purged: number }>;
  stop(): Promise<void>;
}

/**
 * The device housekeeping, every `intervalMs`. Everything it judges is in the database or loaded from it
 * (last-seen times, active alarms), so after a restart the first tick catches up: a device that fell
 * silent while the server was down is marked offline then.
 */
export function startDeviceScheduler(app: FastifyInstance, intervalMs = 30_000): DeviceScheduler {
  return runPeriodically(app.log, 'device housekeeping failed', intervalMs, (now = Date.now()) => pass(app, now));
}

async function pass(app: FastifyInstance, now: number) {
  const intake = app.deviceIntake;
  // Token changes made on another API node and registry edits (location, kind) reach the cache here.
  await intake.refresh();
  const offline = intake.checkSilence(now);
  await intake.flush();
  const retried = intake.retryEvents();
  const cutoff = new Date(now - app.config.telemetryRetentionDays * 86_400_000);
  const purged = await sql`
    DELETE FROM telemetry WHERE ctid = ANY(ARRAY(SELECT ctid FROM telemetry WHERE ts < ${cutoff} LIMIT ${purgeSlice}))`.execute(app.db);
  return { offline, retried, purged: Number(purged.numAffectedRows ?? 0) };
}
