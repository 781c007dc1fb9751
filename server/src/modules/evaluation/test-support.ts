import type { App } from '../../app.ts';
import type { EventState } from '../events/event-workflow.ts';
import type { Satisfaction } from '../supervision/supervision.tables.ts';

/**
 * A town of its own for the evaluation tests (no demo events live there), with cases inserted as the
 * workflow would have left them: the event row and its history (the history drives event_stat).
 * Times are local (Asia/Shanghai) 'YYYY-MM-DD HH:mm'.
 */
export const town = '330203199';
export const village1 = `${town}201`;
export const village2 = `${town}202`;
export const grid11 = `${village1}01`;
export const grid12 = `${village1}02`;
export const grid21 = `${village2}01`;

export const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);

export interface TestTown {
  unitA: number;
  unitB: number;
}

export async function addTestTown(app: App): Promise<TestTown> {
  await app.db
    .insertInto('division')
    .values([
      { code: town, parent_code: '330203', name: '测评镇', level: 'town' },
      { code: village1, parent_code: town, name: '一村', level: 'village', sort: 1 },
      { code: village2, parent_code: town, name: '二村', level: 'village', sort: 2 },
      { code: grid11, parent_code: village1, name: '一村第1网格', level: 'grid', sort: 1 },
      { code: grid12, parent_code: village1, name: '一村第2网格', level: 'grid', sort: 2 },
      { code: grid21, parent_code: village2, name: '二村第1网格', level: 'grid', sort: 1 },
    ])
    .execute();
  const units = await app.db
    .insertInto('organization')
    .values([
      { code: 'T-A', name: '甲执法队', kind: 'law_enforcement', division_code: town },
      { code: 'T-B', name: '乙环卫所', kind: 'department', division_code: town },
    ])
    .returning(['id', 'code'])
    .execute();
  return { unitA: units.find((u) => u.code === 'T-A')!.id, unitB: units.find((u) => u.code === 'T-B')!.id };
}

/** One history step: the action, when, and who (a user id; null for the system) for which unit. */
export type Step = [action: string, when: string, who?: { actor?: number | null; unit?: number }];

export interface CaseSpec {
  name: string;
  division: string;
  reportedAt: string;
  state: EventState;
  reporter?: number;
  unit?: number;
  handleDeadline?: string;
  handledAt?: string;
  timedOut?: boolean;
  closedAt?: string;
  closeType?: 'normal' | 'overtime' | 'special';
  reworkCount?: number;
  appeal?: 'approved';
  steps: Step[];
}

export async function insertCase(app: App, spec: CaseSpec): Promise<number> {
  const { id } = await app.db
    .insertInto('event')
    .values({
      code: `T-${spec.name}`,
      source: spec.reporter ? 'grid' : 'hotline',
      title: `测评 ${spec.name}`,
      division_code: spec.division,
      grid_code: spec.division.length === 14 ? spec.division : null,
      state: spec.state,
      reporter_user_id: spec.reporter ?? null,
      handling_unit_id: spec.unit ?? null,
      handle_deadline: spec.handleDeadline ? at(spec.handleDeadline) : null,
      handle_finished_at: spec.handledAt ? at(spec.handledAt) : null,
      handle_timed_out: spec.timedOut ?? false,
      closed_at: spec.closedAt ? at(spec.closedAt) : null,
      close_type: spec.closeType ?? null,
      rework_count: spec.reworkCount ?? 0,
      appeal_status: spec.appeal ?? 'none',
      reported_at: at(spec.reportedAt),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const steps: Step[] = [['report', spec.reportedAt, { actor: spec.reporter ?? null }], ...spec.steps];
  await app.db
    .insertInto('event_history')
    .values(
      steps.map(([action, when, who]) => ({
        event_id: id,
        at: at(when),
        actor_type: who?.actor ? ('user' as const) : ('system' as const),
        actor_id: who?.actor ?? null,
        actor_name: who?.actor ? `用户${who.actor}` : '系统',
        action,
        to_state: action,
        organization_id: who?.unit ?? null,
        details: '{}',
      })),
    )
    .execute();
  return id;
}

export interface CallbackSpec {
  event: number;
  at: string;
  satisfaction: Satisfaction;
  valid?: boolean;
  contacted: boolean;
  resolved: boolean;
  division: string;
  unit: number;
}

export async function insertCallback(app: App, spec: CallbackSpec) {
  await app.db
    .insertInto('event_callback')
    .values({
      event_id: spec.event,
      closed_at: at(spec.at),
      valid: spec.valid ?? true,
      contacted: spec.contacted,
      resolved: spec.resolved,
      satisfaction: spec.satisfaction,
      channel: 'staff',
      division_code: spec.division,
      handling_unit_id: spec.unit,
      at: at(spec.at),
    })
    .execute();
}
