import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { activeAlarms, devicesOnline } from '../devices/dashboard-figures.ts';

/** What an indicator is read for: the chosen division within the caller's scope, and today's start. */
export interface IndicatorArea {
  divisionCode: string;
  scope: DataScope;
  dayStart: Date;
  now: Date;
}

/**
 * A figure another module shows on the dashboard beside the event counters. The web labels it with
 * `dashboard.indicators.<key>`. `read` answers null when the figure cannot be known (no devices yet):
 * the screen then shows a dash, never a made-up number.
 */
export interface DashboardIndicator {
  key: string;
  unit: 'count' | 'percent';
  read(db: Kysely<DB>, area: IndicatorArea): Promise<number | null>;
}

/** The indicators on the screen, in order: devices online (percent) and active alarms from the devices module. */
export const dashboardIndicators: readonly DashboardIndicator[] = [devicesOnline, activeAlarms];
