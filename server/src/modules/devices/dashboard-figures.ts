import { sql } from 'kysely';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import type { DashboardIndicator } from '../dashboard/dashboard-indicators.ts';

/**
 * The devices' figures on the command-room dashboard. Online rate: of the devices that report (those
 * with a reporting interval, i.e. watched for silence), the share online now; null without any, so
 * the screen shows a dash rather than 0 %. Active alarms: alarms not yet cleared.
 */
export const devicesOnline: DashboardIndicator = {
  key: 'devicesOnline',
  unit: 'percent',
  async read(db, area) {
    const row = await db
      .selectFrom('device as d')
      .where(scopeCondition(area.scope, { division: 'd.division_code' }))
      .where(divisionPrefix('d.division_code', area.divisionCode))
      .where('d.report_interval_s', 'is not', null)
      .select([sql<number>`count(*)::int`.as('watched'), sql<number>`(count(*) FILTER (WHERE d.status = 'online'))::int`.as('online')])
      .executeTakeFirstOrThrow();
    return row.watched === 0 ? null : Math.round((row.online / row.watched) * 1000) / 10;
  },
};

export const activeAlarms: DashboardIndicator = {
  key: 'activeAlarms',
  unit: 'count',
  async read(db, area) {
    const row = await db
      .selectFrom('alarm as a')
      .where(scopeCondition(area.scope, { division: 'a.division_code' }))
      .where(divisionPrefix('a.division_code', area.divisionCode))
      .where('a.status', '=', 'active')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  },
};
