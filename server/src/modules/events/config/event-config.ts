import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { ClusterBus } from '../../../db/cluster-bus.ts';
import type { LightRule, LimitUnit, WorkCalendar } from '../work-calendar.ts';
import type { SupervisionRules } from '../../supervision/supervision-rules.ts';
import type { Urgency } from '../events.tables.ts';
import { toWorkPeriods, type PeriodText } from './calendar-rules.ts';
import { configRepo } from './config.repo.ts';
import { pickRoute, type RoutingRule } from './routing.ts';

export interface PhaseLimits {
  acceptMinutes: number;
  dispatchMinutes: number;
  verifyMinutes: number;
  checkMinutes: number;
}

/** Urgent and critical events get their own, shorter phase limits (setting urgent_phase_limits). */
export interface UrgentPhaseLimits {
  urgent: PhaseLimits;
  critical: PhaseLimits;
}

/** The phase limits of each urgency: normal events run on working time, urgent and critical ones around the clock. */
export type PhaseLimitsByUrgency = Record<Urgency, PhaseLimits>;

export interface DuplicateWindow {
  meters: number;
  hours: number;
}

/** One 立案条件 as the event service uses it. */
export interface StandardChoice {
  id: number;
  categoryCode: string;
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  defaultOrganizationId: number | null;
}

export interface RouteCandidate {
  organizationId: number;
  name: string;
  /** null: no rule named it; it is the 立案条件's default responsible unit, offered last. */
  priority: number | null;
}

/** What intake and event views need of a category, without a query. */
export interface CategoryFacts {
  code: string;
  minorName: string;
  nameEn: string | null;
  active: boolean;
  publicReportable: boolean;
  autoDispatch: boolean;
}

/** Setting keys (rows of `setting`, seeded by migrations 0005, 0015 and 0021). */
export const settingKeys = {
  workPeriods: 'work_periods',
  phaseLimits: 'phase_limits',
  urgentPhaseLimits: 'urgent_phase_limits',
  duplicateWindow: 'duplicate_window',
  supervision: 'supervision_rules',
} as const;

interface Snapshot {
  calendar: WorkCalendar;
  phaseLimits: PhaseLimitsByUrgency;
  duplicateWindow: DuplicateWindow;
  supervision: SupervisionRules;
  /** Standards per category in display order; inactive ones stay for events registered under them. */
  standards: Map<string, (StandardChoice & { active: boolean })[]>;
  categories: Map<string, CategoryFacts>;
  rules: RoutingRule[];
}

async function loadSnapshot(db: Kysely<DB>): Promise<Snapshot> {
  const [settings, days, standardRows, categoryRows, ruleRows] = await Promise.all([
    configRepo.settings(db, Object.values(settingKeys)),
    configRepo.allDays(db),
    configRepo.allStandards(db),
    configRepo.categoryFacts(db),
    configRepo.activeRules(db),
  ]);
  // Settings are written only through the validated settings route (or the migration), so their shape holds.
  const periods = settings.get(settingKeys.workPeriods) as PeriodText[];
  const standards = new Map<string, (StandardChoice & { active: boolean })[]>();
  for (const s of standardRows) {
    const list = standards.get(s.category_code) ?? [];
    list.push({ id: s.id, categoryCode: s.category_code, registerCondition: s.register_condition, closeCondition: s.close_condition, limitValue: Number(s.limit_value), limitUnit: s.limit_unit, defaultOrganizationId: s.default_organization_id, active: s.active });
    standards.set(s.category_code, list);
  }
  return {
    calendar: {
      periods: toWorkPeriods(periods),
      holidays: new Set(days.filter((d) => d.kind === 'holiday').map((d) => d.date)),
      workdays: new Set(days.filter((d) => d.kind === 'workday').map((d) => d.date)),
    },
    phaseLimits: { normal: settings.get(settingKeys.phaseLimits) as PhaseLimits, ...(settings.get(settingKeys.urgentPhaseLimits) as UrgentPhaseLimits) },
    duplicateWindow: settings.get(settingKeys.duplicateWindow) as DuplicateWindow,
    supervision: settings.get(settingKeys.supervision) as SupervisionRules,
    standards,
    categories: new Map(
      categoryRows.map((c) => [c.code, { code: c.code, minorName: c.minor_name, nameEn: c.name_en, active: c.active, publicReportable: c.public_reportable, autoDispatch: c.auto_dispatch }]),
    ),
    rules: ruleRows.map((r) => ({ id: r.id, categoryCode: r.category_code, divisionCode: r.division_code, source: r.source, organizationId: r.organization_id, priority: r.priority })),
  };
}

/**
 * The event-center configuration other modules read on every event: calendar, phase limits, duplicate
 * window, supervision rules, categories, 立案条件 and routing. Loaded once and kept in memory; the configuration routes call
 * `invalidate()` after each committed change, which also tells the other API nodes (cluster bus).
 */
export class EventConfig {
  private snapshot: Promise<Snapshot> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly bus?: ClusterBus,
  ) {
    bus?.on('event-config', () => (this.snapshot = null));
  }

  /** Drops the cache here and on the other nodes; the next read reloads. A load already running is not stored back. */
  invalidate(): void {
    this.snapshot = null;
    this.bus?.announce('event-config');
  }

  private load(): Promise<Snapshot> {
    if (!this.snapshot) {
      const loading = loadSnapshot(this.db);
      this.snapshot = loading;
      // A failed load must not stick: the next read tries again.
      loading.catch(() => {
        if (this.snapshot === loading) this.snapshot = null;
      });
    }
    return this.snapshot;
  }

  async calendar(): Promise<WorkCalendar> {
    return (await this.load()).calendar;
  }

  async phaseLimits(): Promise<PhaseLimitsByUrgency> {
    return (await this.load()).phaseLimits;
  }

  async duplicateWindow(): Promise<DuplicateWindow> {
    return (await this.load()).duplicateWindow;
  }

  async supervisionRules(): Promise<SupervisionRules> {
    return (await this.load()).supervision;
  }

  /** The calendar and the yellow threshold the traffic lights are computed on. */
  async lightRule(): Promise<LightRule> {
    const { calendar, supervision } = await this.load();
    return { calendar, yellowFrom: supervision.remindAtPercent / 100 };
  }

  /** A category by code (active or not); undefined when no such code exists. */
  async category(code: string): Promise<CategoryFacts | undefined> {
    return (await this.load()).categories.get(code);
  }

  /** The category's active 立案条件 with this id, for registering under it; null when it is not one. */
  async activeStandard(categoryCode: string, standardId: number): Promise<StandardChoice | null> {
    const found = (await this.load()).standards.get(categoryCode)?.find((s) => s.id === standardId && s.active);
    if (!found) return null;
    const { active: _active, ...choice } = found;
    return choice;
  }

  /**
   * The 立案条件 with the given id (even if deactivated since: an event registered under it keeps it),
   * or the category's first active one; null when there is none.
   */
  async standardFor(categoryCode: string, standardId?: number): Promise<StandardChoice | null> {
    const list = (await this.load()).standards.get(categoryCode) ?? [];
    const found = standardId === undefined ? list.find((s) => s.active) : list.find((s) => s.id === standardId);
    if (!found) return null;
    const { active: _active, ...choice } = found;
    return choice;
  }

  /**
   * Candidate organisations for an event (see routing.ts). `gridCode` is the unit grid the locator put
   * the event in; `standardId` picks whose default responsible unit is the fallback (else the first).
   * Names are read fresh, so a renamed organisation shows its new name at once.
   */
  async route(input: { categoryCode: string | null; gridCode: string | null; source: string; standardId?: number }): Promise<{ candidates: RouteCandidate[]; autoDispatch: boolean }> {
    const snapshot = await this.load();
    const standard = input.categoryCode === null ? null : await this.standardFor(input.categoryCode, input.standardId);
    const pick = pickRoute(snapshot.rules, input, {
      categoryAutoDispatch: input.categoryCode !== null && snapshot.categories.get(input.categoryCode)?.autoDispatch === true,
      fallbackOrganizationId: standard?.defaultOrganizationId ?? null,
    });
    const names = new Map((await configRepo.organizationNames(this.db, pick.candidates.map((c) => c.organizationId))).map((o) => [o.id, o.name]));
    return { candidates: pick.candidates.map((c) => ({ ...c, name: names.get(c.organizationId) ?? '' })), autoDispatch: pick.autoDispatch };
  }
}
