import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope } from '../../auth/actor.ts';
import { notFound } from '../../http/errors.ts';
import { presentSummary } from '../events/events.present.ts';
import { localDate, type LightRule } from '../events/work-calendar.ts';
import type { EventState } from '../events/event-workflow.ts';
import type { DivisionLevel } from '../../db/schema.ts';
import { dashboardRepo, type Area, type DashboardRow } from './dashboard.repo.ts';
import { dashboardIndicators } from './dashboard-indicators.ts';
import type { DashboardEvent, FeedQuery, Snapshot, SnapshotQuery } from './dashboard.schema.ts';

const day = 86_400_000;
/** Division codes: county 6 digits, town 9, village 12, unit grid 14. */
const codeLengths = [6, 9, 12, 14];
const levelOfLength: Record<number, DivisionLevel> = { 6: 'county', 9: 'town', 12: 'village', 14: 'grid' };
/** How many events the overdue and supervised lists carry (the totals count them all). */
const listLimit = 20;
/** The heatmap divides the division's outline into about this many cells across, and sends at most `heatCellCap` of them. */
const heatCellsAcross = 64;
const heatCellCap = 2000;

/**
 * The steps of today's funnel after 上报, each with the states that show an event reached it.
 * An event counts in every step up to the furthest it reached, so the funnel never widens (a
 * 强制结案 straight from 待受理 counts as registered, dispatched and handled too).
 */
const funnelSteps = [
  ['registered', ['pending_dispatch']],
  ['dispatched', ['pending_sign', 'handling', 'suspended']],
  ['handled', ['handled', 'checking', 'pending_close']],
  ['closed', ['closed']],
] as const satisfies readonly (readonly [string, readonly EventState[]])[];

/** The local (Asia/Shanghai) day containing `now`: its date and the instants it starts and ends. */
export function localDay(now: number): { date: string; start: Date; end: Date } {
  const date = localDate(now);
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return { date, start: new Date(start), end: new Date(start + day) };
}

/** Counts per furthest step (0 = only reported) → how many reached each step or a later one. */
export function funnelOf(perStep: Map<number, number>): Snapshot['funnel'] {
  const reachedAtLeast = (step: number) => [...perStep].reduce((sum, [s, n]) => (s >= step ? sum + n : sum), 0);
  return {
    reported: reachedAtLeast(0),
    registered: reachedAtLeast(1),
    dispatched: reachedAtLeast(2),
    handled: reachedAtLeast(3),
    closed: reachedAtLeast(4),
  };
}

/** Square cells about 1/64 of the outline's larger side; ~100 m when there is no outline. */
export function heatCellSize(extent: [number, number, number, number] | undefined): number {
  if (!extent) return 0.001;
  const side = Math.max(extent[2] - extent[0], extent[3] - extent[1]);
  return side > 0 ? side / heatCellsAcross : 0.001;
}

function present(row: DashboardRow, light: LightRule, now: number): DashboardEvent {
  return { ...presentSummary(row, light, now), supervisionLevel: row.supervision_level };
}

/**
 * The chosen division and the breadcrumb down to it from the top of the caller's scope. A division
 * outside the scope answers 404 exactly like one that does not exist.
 */
async function resolveDivision(request: FastifyRequest, code: string) {
  const scope = actorOf(request).scope;
  if (!divisionInScope(scope, code)) throw notFound();
  const top = scope.divisionCodes.find((root) => code.startsWith(root))!;
  const pathCodes = codeLengths.filter((n) => n >= top.length && n <= code.length).map((n) => code.slice(0, n));
  const rows = await dashboardRepo.divisions(request.server.db, pathCodes);
  const byCode = new Map(rows.map((r) => [r.code, r]));
  if (!byCode.has(code)) throw notFound();
  const path = pathCodes.flatMap((c) => {
    const row = byCode.get(c);
    return row ? [{ code: row.code, name: row.name, level: row.level }] : [];
  });
  return { scope, division: path[path.length - 1]!, path };
}

/**
 * The areas the ranking compares: the level below the chosen division, or for a unit grid (the
 * lowest level) its sibling grids, so the grid is seen against its neighbours.
 */
function rankingParent(code: string): string {
  return code.length === 14 ? code.slice(0, 12) : code;
}

export async function dashboardSnapshot(request: FastifyRequest, code: string, query: SnapshotQuery): Promise<Snapshot> {
  const app = request.server;
  const db = app.db;
  const { scope, division, path } = await resolveDivision(request, code);
  const nowMs = Date.now();
  const now = new Date(nowMs);
  const today = localDay(nowMs);
  const days = query.days ?? 30;
  const top = query.top ?? 10;
  const from = new Date(today.start.getTime() - (days - 1) * day);
  const area: Area = { scope, divisionCode: code };

  const parent = rankingParent(code);
  const childLength = codeLengths.find((n) => n > parent.length)!;
  const rankingArea: Area = { scope, divisionCode: parent };

  const [steps, open, closedToday, supervised, overdueRows, supervisedRows, latestRows, categories, sources, extent, children, childOpen, childReported, light] = await Promise.all([
    dashboardRepo.furthestSteps(
      db,
      area,
      funnelSteps.map(([, states]) => states),
      today.start,
      today.end,
    ),
    dashboardRepo.openByArea(db, area, code.length, now),
    dashboardRepo.closedSince(db, area, today.start),
    dashboardRepo.supervisedCount(db, area),
    dashboardRepo.overdueList(db, area, now, listLimit),
    dashboardRepo.supervisedList(db, area, listLimit),
    dashboardRepo.latest(db, area, listLimit),
    dashboardRepo.topCategories(db, area, from, top),
    dashboardRepo.sources(db, area, from),
    dashboardRepo.extent(db, code),
    dashboardRepo.children(db, parent),
    dashboardRepo.openByArea(db, rankingArea, childLength, now),
    dashboardRepo.reportedByArea(db, rankingArea, childLength, from),
    app.eventConfig.lightRule(),
  ]);

  const cell = heatCellSize(extent);
  const [cells, indicators] = await Promise.all([
    dashboardRepo.heatCells(db, area, from, cell, heatCellCap + 1),
    Promise.all(dashboardIndicators.map(async (i) => ({ key: i.key, unit: i.unit, value: await i.read(db, { divisionCode: code, scope, dayStart: today.start, now }) }))),
  ]);

  const openTotal = open.reduce((sum, r) => sum + r.open, 0);
  const overdueTotal = open.reduce((sum, r) => sum + r.overdue, 0);
  const funnel = funnelOf(steps);
  const openOf = new Map(childOpen.map((r) => [r.code, r]));
  const reportedOf = new Map(childReported.map((r) => [r.code, r.n]));
  const ranking = children
    .filter((c) => divisionInScope(scope, c.code))
    .map((c) => ({ code: c.code, name: c.name, reported: reportedOf.get(c.code) ?? 0, open: openOf.get(c.code)?.open ?? 0, overdue: openOf.get(c.code)?.overdue ?? 0, current: c.code === code }))
    .sort((a, b) => b.reported - a.reported || b.open - a.open || a.code.localeCompare(b.code));

  return {
    division,
    path,
    generatedAt: now.toISOString(),
    today: today.date,
    period: { days, from: from.toISOString() },
    funnel,
    counts: { open: openTotal, overdue: overdueTotal, supervised, reportedToday: funnel.reported, closedToday },
    overdue: { total: overdueTotal, items: overdueRows.map((r) => present(r, light, nowMs)) },
    supervised: { total: supervised, items: supervisedRows.map((r) => present(r, light, nowMs)) },
    categories: categories.map((c) => ({ code: c.code, name: c.name, nameEn: c.name_en, count: c.n })),
    sources: sources.map((s) => ({ source: s.source, count: s.n })),
    ranking: { level: levelOfLength[childLength] as 'town' | 'village' | 'grid', items: ranking },
    heatmap: {
      cellDegrees: cell,
      points: cells.slice(0, heatCellCap).map((c) => ({ lng: (c.x + 0.5) * cell, lat: (c.y + 0.5) * cell, count: c.n })),
      capped: cells.length > heatCellCap,
    },
    latest: latestRows.map((r) => present(r, light, nowMs)),
    indicators,
  };
}

/** The newest events of the division, for the live feed after each report. */
export async function dashboardFeed(request: FastifyRequest, code: string, query: FeedQuery) {
  const { scope } = await resolveDivision(request, code);
  const [rows, light] = await Promise.all([dashboardRepo.latest(request.server.db, { scope, divisionCode: code }, query.limit ?? 20), request.server.eventConfig.lightRule()]);
  const now = Date.now();
  return { items: rows.map((r) => present(r, light, now)) };
}
