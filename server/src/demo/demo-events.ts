import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import { maskPhone } from '../privacy/masking.ts';
import type { EventSource } from '../modules/events/events.tables.ts';
import { EventConfig, type PhaseLimitsByUrgency, type StandardChoice } from '../modules/events/config/event-config.ts';
import { GridIndex } from '../modules/grids/grid-index.ts';
import { configRepo } from '../modules/events/config/config.repo.ts';
import { pickRoute, type RoutingRule } from '../modules/events/config/routing.ts';
import { bulkInsert } from './bulk-insert.ts';
import { decide, type EventAction } from '../modules/events/event-workflow.ts';
import { effectOf, phaseDeadline, phaseOf, workflowFacts, type EffectContext, type EventRow } from '../modules/events/event-effects.ts';
import { caseCode, defaultTitle, initialState } from '../modules/events/intake-rules.ts';
import type { NewHistory } from '../modules/events/events.repo.ts';
import { addWorkingMillis, localDate, workingMillisBetween, type WorkCalendar } from '../modules/events/work-calendar.ts';
import { demoTown } from './demo-town.ts';
import { seededRandom } from './random.ts';

/**
 * A year of events in the demo town (16,500 at full scale), each walked through the real workflow
 * rules (`decide` + `effectOf`, the functions the API uses) at plausible moments, so its state,
 * timers, counters and history rows are what the system itself would have written. Most close on
 * time; some run late, are returned, reworked, extended, suspended, reopened or cancelled. The walk
 * stops at "now", so the recent ones are open and every work queue holds true entries.
 */
export interface DemoEventOptions {
  scale: number;
  cipher: FieldCipher;
  /** The present of the demo (default: now). */
  now?: number;
}

const fullCount = 16_500;
const eventColumns = [
  'code', 'source', 'source_ref', 'category_code', 'standard_id', 'title', 'description', 'address', 'lng', 'lat', 'grid_code', 'division_code', 'urgency',
  'reporter_name', 'reporter_phone', 'reporter_phone_idx', 'reporter_phone_masked', 'reporter_user_id', 'state', 'state_before_suspension', 'phase', 'phase_started_at',
  'phase_deadline', 'handling_unit_id', 'co_unit_ids', 'handle_started_at', 'handle_deadline', 'handle_limit_value', 'handle_limit_unit', 'handle_finished_at',
  'handle_timed_out', 'extension_count', 'extension_request', 'suspended_at', 'suspended_until', 'rework_count', 'return_count', 'dispatch_count', 'close_type',
  'closed_at', 'appeal_status', 'version', 'reported_at', 'created_at', 'updated_at',
];
const historyColumns = ['event_id', 'at', 'actor_type', 'actor_id', 'actor_name', 'action', 'from_state', 'to_state', 'note', 'organization_id', 'file_ids', 'details'];
const minute = 60_000;
const day = 86_400_000;

type Random = ReturnType<typeof seededRandom>;

const sourceWeights: [EventSource, number][] = [
  ['grid', 30], ['patrol', 14], ['video_ai', 15], ['public', 10], ['hotline', 10], ['iot', 5], ['superior', 5], ['inspection', 4], ['backbone', 5], ['visitor', 2],
];

function weighted<T>(random: Random, items: readonly [T, number][]): T {
  let roll = random.next() * items.reduce((sum, [, w]) => sum + w, 0);
  for (const [item, w] of items) if ((roll -= w) < 0) return item;
  return items[items.length - 1]![0];
}

interface Actor {
  type: 'user' | 'system' | 'public';
  id: number | null;
  name: string;
  organizationIds: number[];
}

interface World {
  now: number;
  calendar: WorkCalendar;
  limits: PhaseLimitsByUrgency;
  categories: { code: string; name: string; weight: number; standard: StandardChoice }[];
  grids: { code: string; box: [number, number, number, number] }[];
  locator: GridIndex;
  rules: RoutingRule[];
  command: Actor;
  leader: Actor;
  gridWorkers: Map<string, Actor>;
  unitActors: Map<number, Actor>;
  cipher: FieldCipher;
}

/** Heavier where towns see most reports: street order and city appearance; components are rarer. */
function categoryWeight(code: string): number {
  if (code.startsWith('E05')) return 4;
  if (code.startsWith('E01')) return 3;
  if (code.startsWith('E02')) return 1.5;
  if (code.startsWith('E')) return 0.8;
  return 0.25;
}

/** Video AI and sensors detect only some kinds of problems. */
function categoriesFor(world: World, source: EventSource) {
  if (source === 'video_ai') return world.categories.filter((c) => ['E0501', 'E0504', 'E0505', 'E0506', 'E0511', 'E0102'].includes(c.code));
  if (source === 'iot') return world.categories.filter((c) => c.code.startsWith('E04') || c.code.startsWith('C01'));
  return world.categories;
}

export async function seedDemoEvents(db: Kysely<DB>, options: DemoEventOptions): Promise<number> {
  const world = await loadWorld(db, options);
  const random = seededRandom(20261126);
  // Its own stream, so the callbacks do not shift the events drawn above.
  const callbackRandom = seededRandom(20261127);
  const count = Math.max(20, Math.round(fullCount * options.scale));
  const drafts = Array.from({ length: count }, () => draft(world, random));
  const walks = drafts.map((d) => walk(world, random, d)).sort((a, b) => a.row.reported_at.getTime() - b.row.reported_at.getTime());

  // Case numbers in report order, per local day.
  const perDay = new Map<string, number>();
  for (const w of walks) {
    const date = localDate(w.row.reported_at.getTime());
    const sequence = (perDay.get(date) ?? 0) + 1;
    perDay.set(date, sequence);
    w.row.code = caseCode(demoTown.code, date, sequence);
  }

  await db.transaction().execute(async (trx) => {
    await skipReferenceChecks(trx);
    for (let i = 0; i < walks.length; i += 2000) {
      const slice = walks.slice(i, i + 2000);
      const ids = await bulkInsert(trx, 'event', eventColumns, slice.map((w) => w.row), ['id', 'code']);
      const idOf = new Map(ids.map((r) => [r.code as string, r.id as number]));
      const history = slice.flatMap((w) => w.history.map((h) => ({ ...h, event_id: idOf.get(w.row.code)!, note: h.note ?? '', file_ids: h.file_ids ?? [], details: h.details ?? {} })));
      for (let k = 0; k < history.length; k += 10_000) await bulkInsert(trx, 'event_history', historyColumns, history.slice(k, k + 10_000));
      await bulkInsert(trx, 'event_callback', callbackColumns, callbacks(slice, idOf, callbackRandom));
    }
    // New reports continue each day's numbering after the demo's.
    await bulkInsert(trx, 'event_code_counter', ['prefix', 'day', 'last_value'], [...perDay].map(([date, last]) => ({ prefix: demoTown.code, day: date, last_value: last })));
  });
  return walks.length;
}

const callbackColumns = ['event_id', 'closed_at', 'valid', 'contacted', 'resolved', 'satisfaction', 'comment', 'channel', 'division_code', 'handling_unit_id', 'at'] as const;
const callbackComments = ['处理及时，谢谢', '师傅很负责', '问题已解决', '', '', '希望以后多巡查', '回复有点慢'];

/**
 * 回访 of the closed public and hotline cases, the day after closure: nine in ten residents are reached;
 * most are satisfied, a few basically satisfied. (A dissatisfied callback reopens its case, which a
 * walked history here does not show, so the demo has none.)
 */
function callbacks(walks: Walk[], idOf: Map<string, number>, random: Random) {
  return walks
    // Called back the day after closure: cases closed within the last day are not yet.
    .filter((w) => w.row.state === 'closed' && w.row.closed_at !== null && w.row.closed_at.getTime() + 86_400_000 < Date.now())
    .filter((w) => (w.row.source === 'public' || w.row.source === 'hotline') && random.next() < 0.9)
    .map((w) => {
      const basically = random.next() < 0.12;
      return {
        event_id: idOf.get(w.row.code)!,
        closed_at: w.row.closed_at,
        valid: true,
        contacted: random.next() < 0.97,
        resolved: basically ? random.next() < 0.7 : true,
        satisfaction: basically ? 'basically_satisfied' : 'satisfied',
        comment: callbackComments[random.int(0, callbackComments.length - 1)],
        channel: random.next() < 0.3 ? 'h5' : 'staff',
        division_code: w.row.division_code,
        handling_unit_id: w.row.handling_unit_id,
        at: new Date(w.row.closed_at!.getTime() + 86_400_000),
      };
    });
}

/**
 * The generated rows reference only rows that exist (categories, grids, users, units, their own
 * events), so the per-row foreign-key triggers are skipped for this transaction when the database
 * role may do so (PGlite always; a PostgreSQL superuser): it halves the load time.
 */
async function skipReferenceChecks(trx: Transaction<DB>) {
  const role = await sql<{ super: boolean }>`SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user`.execute(trx);
  if (role.rows[0]?.super) await sql`SET LOCAL session_replication_role = replica`.execute(trx);
}

async function loadWorld(db: Kysely<DB>, options: DemoEventOptions): Promise<World> {
  const config = new EventConfig(db);
  const [calendar, limits, categoryRows, gridRows, users, organizations, locator, rules] = await Promise.all([
    config.calendar(),
    config.phaseLimits(),
    db.selectFrom('event_category').select(['code', 'minor_name']).where('active', '=', true).orderBy('code').execute(),
    db.selectFrom('unit_grid').select(['code', 'min_lng', 'min_lat', 'max_lng', 'max_lat']).orderBy('code').execute(),
    db.selectFrom('app_user').select(['id', 'username', 'display_name', 'organization_id']).execute(),
    db.selectFrom('organization').select(['id', 'name', 'code']).execute(),
    GridIndex.load(db),
    configRepo.activeRules(db),
  ]);
  const categories = [];
  for (const c of categoryRows) {
    const standard = await config.standardFor(c.code);
    if (standard) categories.push({ code: c.code, name: c.minor_name, weight: categoryWeight(c.code), standard });
  }
  if (categories.length === 0 || gridRows.length === 0) throw new Error('demo events need categories with standards and unit grids');
  const user = (username: string): Actor => {
    const u = users.find((x) => x.username === username)!;
    return { type: 'user', id: u.id, name: u.display_name, organizationIds: u.organization_id ? [u.organization_id] : [] };
  };
  const dept = user('dept');
  const enforcement = organizations.filter((o) => o.code.startsWith('GL-ENF')).map((o) => o.id);
  const unitActors = new Map<number, Actor>(
    organizations.map((o) => [o.id, enforcement.includes(o.id) ? { ...dept, organizationIds: [o.id] } : { type: 'user', id: null, name: `${o.name}值班员`, organizationIds: [o.id] }]),
  );
  const gridWorkers = new Map(gridRows.map((g) => [g.code, user(`g${g.code.slice(-5)}`)]));
  return {
    now: options.now ?? Date.now(),
    calendar,
    limits,
    categories,
    grids: gridRows.map((g) => ({ code: g.code, box: [g.min_lng, g.min_lat, g.max_lng, g.max_lat] })),
    locator,
    rules: rules.map((r) => ({ id: r.id, categoryCode: r.category_code, divisionCode: r.division_code, source: r.source, organizationId: r.organization_id, priority: r.priority })),
    command: user('command'),
    leader: user('leader'),
    gridWorkers,
    unitActors,
    cipher: options.cipher,
  };
}

/** A point of the grid: random tries inside its bounding box until the index agrees. */
function pointIn(world: World, random: Random, grid: World['grids'][number]): [number, number] {
  const [w, s, e, n] = grid.box;
  for (let i = 0; i < 30; i++) {
    const lng = w + random.next() * (e - w);
    const lat = s + random.next() * (n - s);
    if (world.locator.locate(lng, lat)?.unitGridCode === grid.code) return [Math.round(lng * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
  }
  throw new Error(`demo events: no point found in grid ${grid.code}`);
}

/** A report moment in the past year, mostly in the daytime. */
function reportMoment(world: World, random: Random): number {
  for (;;) {
    const midnight = Math.floor((world.now + 8 * 3_600_000) / day) * day - 8 * 3_600_000 - random.int(0, 364) * day;
    const at = midnight + (random.next() < 0.8 ? random.int(7 * 60, 19 * 60) : random.int(0, 24 * 60 - 1)) * minute + random.int(0, 59) * 1000;
    if (at < world.now) return at;
  }
}

const surnames = ['王', '李', '张', '陈', '周', '徐', '孙', '胡', '朱', '林', '何', '郑'];

interface Walk {
  /** `id` is only a placeholder for the workflow functions: the database assigns the real one. */
  row: EventRow;
  history: Omit<NewHistory, 'event_id'>[];
}

interface Draft extends Walk {
  /** Where it happened (an unplaced report gets this point when it is placed). */
  point: [number, number];
  grid: string;
  gridWorker: Actor;
}

/** The report as it arrives. */
function draft(world: World, random: Random): Draft {
  const source = weighted(random, sourceWeights);
  const options = categoriesFor(world, source);
  const category = weighted(random, options.map((c) => [c, c.weight] as [typeof c, number]));
  const grid = world.grids[random.int(0, world.grids.length - 1)]!;
  const reportedAt = reportMoment(world, random);
  // A few reports come without a usable location and wait for manual placement.
  const unplaced = random.next() < 0.004;
  const [lng, lat] = pointIn(world, random, grid);
  const resident = ['public', 'hotline', 'backbone', 'visitor'].includes(source);
  const staff = world.gridWorkers.get(grid.code)!;
  const phone = resident ? `1${random.int(3, 9)}${String(random.int(0, 999_999_999)).padStart(9, '0')}` : null;
  const state = initialState(source, !unplaced);
  const phase = phaseOf(state)!;
  const at = new Date(reportedAt);
  const row = {
    id: 0,
    code: '',
    source,
    source_ref: source === 'video_ai' ? `CAM-${grid.code.slice(-5)}-${random.int(1, 8)}` : null,
    idempotency_key: null,
    category_code: category.code,
    standard_id: category.standard.id,
    title: defaultTitle(category.name, ''),
    description: `${category.name}：${['现场核查发现', '群众反映', '巡查发现', '系统识别'][random.int(0, 3)]}`,
    address: '',
    lng: unplaced ? null : lng,
    lat: unplaced ? null : lat,
    grid_code: unplaced ? null : grid.code,
    division_code: unplaced ? demoTown.code : grid.code,
    urgency: random.next() < 0.05 ? 'urgent' : 'normal',
    reporter_name: resident ? `${surnames[random.int(0, surnames.length - 1)]}${random.next() < 0.5 ? '先生' : '女士'}` : staff.name,
    reporter_phone: phone ? world.cipher.encrypt(phone) : null,
    reporter_phone_idx: phone ? world.cipher.blindIndex('phone', phone) : null,
    reporter_phone_masked: phone ? maskPhone(phone) : null,
    reporter_user_id: resident || source === 'superior' ? null : staff.id,
    state,
    state_before_suspension: null,
    phase,
    phase_started_at: at,
    // Set below, from the urgency drawn above (drawing it earlier would change every demo event after it).
    phase_deadline: null as Date | null,
    handling_unit_id: null,
    co_unit_ids: [],
    handle_started_at: null,
    handle_deadline: null,
    handle_limit_value: null,
    handle_limit_unit: null,
    handle_finished_at: null,
    handle_timed_out: false,
    extension_count: 0,
    extension_request: null,
    suspended_at: null,
    suspended_until: null,
    rework_count: 0,
    return_count: 0,
    dispatch_count: 0,
    close_type: null,
    closed_at: null,
    appeal_status: 'none',
    merged_into_id: null,
    supervision_level: null,
    follow_token_hash: null,
    version: 0,
    reported_at: at,
    created_at: at,
    updated_at: at,
  } satisfies EventRow;
  row.phase_deadline = phaseDeadline(world.calendar, phase, reportedAt, world.limits, row.urgency);
  const reporter: Actor = resident ? { type: 'public', id: null, name: row.reporter_name!, organizationIds: [] } : { ...staff, organizationIds: [] };
  const history: Walk['history'] = [
    { at, actor_type: source === 'video_ai' || source === 'iot' ? 'system' : reporter.type, actor_id: reporter.id, actor_name: source === 'video_ai' ? '视频AI' : source === 'iot' ? '物联感知' : reporter.name, action: 'report', from_state: null, to_state: state, details: { source } },
  ];
  return { row, history, point: [lng, lat], grid: grid.code, gridWorker: staff };
}

/** The report, walked from its arrival to wherever it stands now. */
function walk(world: World, random: Random, draft: Draft): Walk {
  new Walker(world, random, draft).run();
  draft.row.updated_at = draft.history[draft.history.length - 1]!.at;
  return draft;
}

/** The units the town's routing rules name for a report, best first (the standard's default unit last). */
function route(world: World, d: Draft): number[] {
  const standard = world.categories.find((c) => c.code === d.row.category_code)!.standard;
  const pick = pickRoute(world.rules, { categoryCode: d.row.category_code, gridCode: d.grid, source: d.row.source }, { categoryAutoDispatch: false, fallbackOrganizationId: standard.defaultOrganizationId });
  return pick.candidates.map((c) => c.organizationId);
}

const detours: EventAction[] = ['request_extension', 'approve_extension', 'reject_extension', 'appeal', 'decide_appeal'];

class Walker {
  private t: number;
  /** Some cases are worked slowly all along: they are the ones that sit in the queues and run red. */
  private readonly pace: number;

  private readonly row: Walk['row'];
  private readonly history: Walk['history'];
  private readonly gridWorker: Actor;
  private readonly source: EventSource;

  constructor(
    private readonly world: World,
    private readonly random: Random,
    private readonly draft: Draft,
  ) {
    this.row = draft.row;
    this.history = draft.history;
    this.gridWorker = draft.gridWorker;
    this.source = draft.row.source;
    this.t = this.row.reported_at.getTime();
    this.pace = random.next() < 0.05 ? 8 + random.next() * 30 : 1;
  }

  /** Working minutes later (a report at night is taken up in the morning). */
  private after(minMinutes: number, maxMinutes: number) {
    return addWorkingMillis(this.world.calendar, this.t, (minMinutes + this.random.next() * (maxMinutes - minMinutes)) * minute * this.pace);
  }

  /**
   * Applies one action at `when`; false when `when` is still to come (the walk stops there). A detour
   * the rules refuse at that moment (an extension once overdue) is simply not taken.
   */
  private step(action: EventAction, actor: Actor, when: number, extra: Partial<EffectContext> = {}, note = ''): boolean {
    if (when > this.world.now) return false;
    // The walk reopens only where a dissatisfied callback would have (see run()).
    const facts = { ...workflowFacts(this.row, when), dissatisfiedCallback: action === 'reopen' };
    const decision = decide(action, facts, { organizationIds: actor.organizationIds }, note || undefined);
    if ('refused' in decision) {
      if (detours.includes(action)) return true;
      throw new Error(`demo walk: ${action} refused (${decision.refused}) in ${this.row.state}`);
    }
    this.t = when;
    const effect = effectOf(action, this.row, decision.to, { now: when, calendar: this.world.calendar, limits: this.world.limits, reason: note || undefined, ...extra });
    const from = this.row.state;
    Object.assign(this.row, effect.patch);
    this.row.version += 1;
    this.history.push({
      at: new Date(when),
      actor_type: actor.type,
      actor_id: actor.id,
      actor_name: actor.name,
      action,
      from_state: from,
      to_state: decision.to,
      note,
      organization_id: typeof effect.details.organizationId === 'number' ? effect.details.organizationId : (actor.organizationIds[0] ?? null),
      details: effect.details,
    });
    return true;
  }

  private chance(p: number) {
    return this.random.next() < p;
  }

  run(): void {
    const { command } = this.world;
    if (this.row.state === 'pending_placement') {
      const [lng, lat] = this.draft.point;
      if (!this.step('place', command, this.after(20, 240), { placement: { lng, lat, gridCode: this.draft.grid } })) return;
    }
    if (this.row.state === 'reported') {
      if (this.chance(0.04)) {
        this.step('reject', command, this.after(3, 20), {}, '不属于受理范围');
        return;
      }
      if (['public', 'hotline', 'video_ai', 'iot'].includes(this.source) && this.chance(0.25)) {
        if (!this.step('request_verify', command, this.after(2, 12))) return;
        if (!this.step('verify', this.gridWorker, this.after(8, 35), {}, '现场核实属实')) return;
      } else if (!this.step('accept', command, this.after(2, 14))) return;
    }
    if (this.chance(0.015)) {
      this.step('reject', command, this.after(5, 20), {}, '不符合立案条件');
      return;
    }
    if (!this.step('register', command, this.after(2, 14))) return;
    if (this.chance(0.01)) {
      this.step('cancel', command, this.after(5, 60), {}, '当事人已自行整改');
      return;
    }
    if (!this.handle(this.candidates())) return;
    if (['public', 'hotline'].includes(this.source) && this.chance(0.03)) {
      // 回访不满意 (dissatisfied callback): reopened the next day and handled again.
      if (!this.step('reopen', command, this.t + day + this.random.int(0, 4 * 60) * minute, {}, '回访群众不满意')) return;
      this.handle(this.candidates());
    }
  }

  private candidates(): number[] {
    return route(this.world, this.draft);
  }

  /** 派遣 → 签收 → 处置 → 核查 → 结案, with the detours of real work. */
  private handle(candidates: number[]): boolean {
    const { command } = this.world;
    const units = candidates;
    if (!this.step('dispatch', command, this.after(3, 14), { organizationId: units[0], standard: this.standard() })) return false;
    if (this.chance(0.06)) {
      if (!this.step('return', this.unit(), this.after(10, 90), {}, '不属于本单位职责范围')) return false;
      if (!this.step('dispatch', command, this.after(3, 20), { organizationId: units[1] ?? units[0], standard: this.standard() })) return false;
    }
    for (let round = 0; ; round++) {
      if (!this.step('sign', this.unit(), this.after(5, 60))) return false;
      if (round === 0 && this.chance(0.015)) {
        const until = this.t + this.random.int(3, 30) * day;
        if (!this.step('suspend', command, this.after(10, 60), { until }, '待汛期结束后施工')) return false;
        if (!this.step('resume', { type: 'system', id: null, name: '系统', organizationIds: [] }, until, {}, '挂账到期，自动恢复')) return false;
      }
      if (round === 0 && this.chance(0.05)) {
        if (!this.step('request_extension', this.unit(), this.handleAt(0.3 + this.random.next() * 0.4), {}, '需协调相关单位')) return false;
        const approve = this.chance(0.85);
        if (!this.step(approve ? 'approve_extension' : 'reject_extension', command, this.after(10, 120), {}, approve ? '' : '理由不充分')) return false;
      }
      const late = this.chance(0.06) || this.pace > 1;
      const finish = this.handleAt(late ? 1.05 + this.random.next() * 1.5 : 0.15 + this.random.next() * 0.8);
      if (!this.step('submit', this.unit(), Math.max(finish, this.t + minute), {}, '已按要求处置')) return false;
      if (!this.step('request_check', command, this.after(2, 15))) return false;
      if (round < 2 && this.chance(0.08)) {
        if (!this.step('check_fail', this.gridWorker, this.after(10, 40), {}, '现场仍未整改到位')) return false;
        continue;
      }
      if (!this.step('check_pass', this.gridWorker, this.after(10, 40), {}, '现场核查通过')) return false;
      break;
    }
    if (!this.step('close', command, this.after(3, 30))) return false;
    if (this.row.close_type === 'overtime' && this.chance(0.2)) {
      if (!this.step('appeal', this.unit(), this.t + this.random.int(1, 3) * day, {}, '因天气原因无法施工')) return false;
      const approve = this.chance(0.5);
      this.step('decide_appeal', command, this.after(30, 600), { decision: approve ? 'approve' : 'reject' });
    }
    return true;
  }

  private standard() {
    return this.world.categories.find((c) => c.code === this.row.category_code)!.standard;
  }

  private unit(): Actor {
    return this.world.unitActors.get(this.row.handling_unit_id!)!;
  }

  /** The moment a given fraction of the handling limit is used (in the limit's own kind of time). */
  private handleAt(fraction: number): number {
    const start = this.row.handle_started_at!.getTime();
    const deadline = this.row.handle_deadline!.getTime();
    const unit = this.row.handle_limit_unit!;
    if (unit === 'urgent_hour' || unit === 'natural_day') return Math.max(this.t, start + fraction * (deadline - start));
    return Math.max(this.t, addWorkingMillis(this.world.calendar, start, Math.max(1, fraction * workingMillisBetween(this.world.calendar, start, deadline))));
  }
}
