import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Insertable } from 'kysely';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import type { EventTable } from '../events/events.tables.ts';
import { funnelOf, heatCellSize, localDay } from './dashboard.service.ts';

/**
 * The snapshot against hand-inserted events in a village of their own (测试村 330203103299, grids 01
 * and 02, no outline), with the clock held at Wednesday 2026-12-09 15:00 in Shanghai. Every expected
 * number below is counted by hand from the fixture table.
 */
const at = (local: string) => new Date(`${local}+08:00`);
const village = '330203103299';
const grid1 = `${village}01`;
const grid2 = `${village}02`;
const town = '330203103';

interface Fixture {
  key: string;
  grid: string;
  reported: string;
  state: string;
  phase?: string;
  deadline?: string;
  closed?: string;
  supervision?: 'remind' | 'supervise' | 'listed';
  category: string;
  source: EventTable['source'];
  /** The states its history passed through, from the report on. */
  steps: string[];
  point: [number, number];
}

// Today's reports: A closed normally, B handling and overdue (督办), C waiting for 立案 and overdue,
// D force-closed straight from 待受理, H cancelled. E (挂牌督办) came in just before midnight; G is
// suspended past its deadline; F is 40 days old.
const fixtures: Fixture[] = [
  { key: 'A', grid: grid1, reported: '2026-12-09T09:00:00', state: 'closed', closed: '2026-12-09T14:00:00', category: 'E0505', source: 'grid', steps: ['pending_register', 'pending_dispatch', 'pending_sign', 'handling', 'handled', 'checking', 'pending_close', 'closed'], point: [121.0003, 29.0003] },
  { key: 'B', grid: grid1, reported: '2026-12-09T10:00:00', state: 'handling', phase: 'handle', deadline: '2026-12-09T11:00:00', supervision: 'supervise', category: 'E0505', source: 'grid', steps: ['pending_register', 'pending_dispatch', 'pending_sign', 'handling'], point: [121.0007, 29.0008] },
  { key: 'C', grid: grid1, reported: '2026-12-09T11:00:00', state: 'pending_register', phase: 'register', deadline: '2026-12-09T11:15:00', category: 'E0505', source: 'grid', steps: ['pending_register'], point: [121.0105, 29.0105] },
  { key: 'D', grid: grid1, reported: '2026-12-09T00:30:00', state: 'closed', closed: '2026-12-09T08:30:00', category: 'E0101', source: 'hotline', steps: ['reported', 'closed'], point: [121.0205, 29.0205] },
  { key: 'E', grid: grid2, reported: '2026-12-08T23:59:00', state: 'handling', phase: 'handle', deadline: '2026-12-10T17:30:00', supervision: 'listed', category: 'E0101', source: 'hotline', steps: ['pending_register', 'pending_dispatch', 'pending_sign', 'handling'], point: [121.0305, 29.0305] },
  { key: 'F', grid: grid1, reported: '2026-10-30T10:00:00', state: 'closed', closed: '2026-10-31T10:00:00', category: 'E0201', source: 'patrol', steps: ['pending_register', 'pending_dispatch', 'pending_sign', 'handling', 'handled', 'checking', 'pending_close', 'closed'], point: [121.0405, 29.0405] },
  { key: 'G', grid: grid2, reported: '2026-12-06T10:00:00', state: 'suspended', phase: 'suspended', deadline: '2026-12-07T10:00:00', category: 'E0505', source: 'public', steps: ['reported', 'pending_register', 'pending_dispatch', 'pending_sign', 'suspended'], point: [121.0505, 29.0505] },
  { key: 'H', grid: grid1, reported: '2026-12-09T12:00:00', state: 'cancelled', category: 'E0201', source: 'public', steps: ['reported', 'cancelled'], point: [121.0605, 29.0605] },
];

describe('dashboard snapshot', () => {
  let t: TestApp;
  let command: Session;
  const ids = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMinutes: 100_000, sessionMaxHours: 100_000 });
    command = await t.login('command');
    const db = t.app.db;
    await db
      .insertInto('division')
      .values([
        { code: village, parent_code: town, name: '测试村', level: 'village', sort: 999 },
        { code: grid1, parent_code: village, name: '测试村第1网格', level: 'grid' },
        { code: grid2, parent_code: village, name: '测试村第2网格', level: 'grid' },
      ])
      .execute();
    for (const [i, f] of fixtures.entries()) {
      const row: Insertable<EventTable> = {
        code: `${town}-TEST-${i}`,
        source: f.source,
        category_code: f.category,
        title: `测试事件${f.key}`,
        division_code: f.grid,
        grid_code: f.grid,
        lng: f.point[0],
        lat: f.point[1],
        state: f.state,
        phase: f.phase ?? null,
        phase_started_at: f.phase ? at(f.reported) : null,
        phase_deadline: f.deadline ? at(f.deadline) : null,
        handle_limit_unit: f.phase === 'handle' ? 'urgent_hour' : null,
        closed_at: f.closed ? at(f.closed) : null,
        supervision_level: f.supervision ?? null,
        reported_at: at(f.reported),
      };
      const { id } = await db.insertInto('event').values(row).returning('id').executeTakeFirstOrThrow();
      ids.set(f.key, id);
      await db
        .insertInto('event_history')
        .values(f.steps.map((state, k) => ({ event_id: id, at: at(f.reported), actor_type: 'system' as const, actor_name: 'fixture', action: k === 0 ? 'report' : 'step', from_state: k === 0 ? null : f.steps[k - 1]!, to_state: state })))
        .execute();
    }
    // Devices for the sensing figures: three reporting sensors (two online) and one active alarm.
    const device = (serial: string, status: 'online' | 'offline', interval: number | null) => ({
      device_type: 'sensor' as const, name: serial, serial_no: serial, sensor_kind: 'smoke', ai_enabled: false, status, report_interval_s: interval,
      lng: fixtures[0]!.point[0], lat: fixtures[0]!.point[1], grid_code: grid1, division_code: grid1,
    });
    const [smoke] = await db
      .insertInto('device')
      .values([device('T-1', 'online', 60), device('T-2', 'online', 60), device('T-3', 'offline', 60), device('T-4', 'offline', null)])
      .returning('id')
      .execute();
    await db.insertInto('alarm').values({ device_id: smoke!.id, alarm_type: 'smoke', severity: 'critical', started_at: at('2026-12-09T14:00:00'), last_at: at('2026-12-09T14:00:00'), details: '{}', division_code: grid1 }).execute();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('2026-12-09T15:00:00'));
  });
  afterAll(async () => {
    vi.useRealTimers();
    await t.close();
  });

  const get = async (url: string, session = command) => {
    const response = await t.as(session, { method: 'GET', url });
    expect(response.statusCode, response.body).toBe(200);
    return response.json();
  };
  const keysOf = (items: { id: number }[]) => items.map((e) => [...ids].find(([, id]) => id === e.id)?.[0] ?? `other:${e.id}`);

  it("counts today's funnel, the open, overdue and supervised events and lists them", async () => {
    const s = await get(`/api/dashboard/${village}`);
    expect(s.division).toEqual({ code: village, name: '测试村', level: 'village' });
    expect(s.path.map((p: { code: string }) => p.code)).toEqual([town, village]);
    expect(s.today).toBe('2026-12-09');
    // Reported today: A, B, C, D, H (E came in the evening before). Registered or further: A, B, D.
    expect(s.funnel).toEqual({ reported: 5, registered: 3, dispatched: 3, handled: 2, closed: 2 });
    // Open: B, C, E, G. Overdue: B and C (G is suspended: its timer is paused). Supervised: B, E.
    expect(s.counts).toEqual({ open: 4, overdue: 2, supervised: 2, reportedToday: 5, closedToday: 2 });
    expect(s.overdue.total).toBe(2);
    expect(keysOf(s.overdue.items)).toEqual(['B', 'C']);
    expect(s.overdue.items.map((e: { light: string }) => e.light)).toEqual(['red', 'red']);
    expect(keysOf(s.supervised.items)).toEqual(['E', 'B']);
    expect(s.supervised.items.map((e: { supervisionLevel: string }) => e.supervisionLevel)).toEqual(['listed', 'supervise']);
    expect(keysOf(s.latest)).toEqual(['H', 'C', 'B', 'A', 'D', 'E', 'G', 'F']);
  });

  it('shows the devices online (of those that report) and the active alarms', async () => {
    const s = await get(`/api/dashboard/${village}`);
    expect(s.indicators).toEqual([
      { key: 'devicesOnline', unit: 'percent', value: 66.7 },
      { key: 'activeAlarms', unit: 'count', value: 1 },
    ]);
    // A grid without devices: no rate to show, not 0 %.
    expect((await get(`/api/dashboard/${grid2}`)).indicators[0]).toEqual({ key: 'devicesOnline', unit: 'percent', value: null });
  });

  it('ranks categories, sources and areas over the period', async () => {
    const s = await get(`/api/dashboard/${village}?days=30&top=2`);
    // The last 30 days hold every fixture but F: E0505 ×4 (A B C G), E0101 ×2 (D E), E0201 ×1 (H).
    expect(s.categories.map((c: { code: string; count: number }) => [c.code, c.count])).toEqual([
      ['E0505', 4],
      ['E0101', 2],
    ]);
    expect(s.sources).toEqual([
      { source: 'grid', count: 3 },
      { source: 'hotline', count: 2 },
      { source: 'public', count: 2 },
    ]);
    expect(s.ranking).toEqual({
      level: 'grid',
      items: [
        { code: grid1, name: '测试村第1网格', reported: 5, open: 2, overdue: 2, current: false },
        { code: grid2, name: '测试村第2网格', reported: 2, open: 2, overdue: 0, current: false },
      ],
    });
    const longer = await get(`/api/dashboard/${village}?days=60&top=5`);
    expect(longer.categories.find((c: { code: string }) => c.code === 'E0201').count).toBe(2);
    expect(longer.period.from).toBe(at('2026-10-11T00:00:00').toISOString());
  });

  it('aggregates the heatmap into cells', async () => {
    const s = await get(`/api/dashboard/${village}`);
    // No outline: cells of 0.001°. A and B share one; the other five of the period lie apart.
    expect(s.heatmap.cellDegrees).toBe(0.001);
    expect(s.heatmap.points).toHaveLength(6);
    expect(s.heatmap.points[0]).toEqual({ lng: expect.closeTo(121.0005, 9), lat: expect.closeTo(29.0005, 9), count: 2 });
    expect(s.heatmap.points.reduce((sum: number, p: { count: number }) => sum + p.count, 0)).toBe(7);
    expect(s.heatmap.capped).toBe(false);
  });

  it('drills down: the town ranks its villages, a village its grids, a grid its siblings', async () => {
    const townView = await get(`/api/dashboard/${town}`);
    expect(townView.ranking.level).toBe('village');
    expect(townView.ranking.items).toContainEqual({ code: village, name: '测试村', reported: 7, open: 4, overdue: 2, current: false });
    expect(townView.ranking.items.length).toBe(35);
    expect(townView.counts.open).toBeGreaterThanOrEqual(4);

    const gridView = await get(`/api/dashboard/${grid2}`);
    expect(gridView.path.map((p: { code: string }) => p.code)).toEqual([town, village, grid2]);
    expect(gridView.counts).toEqual({ open: 2, overdue: 0, supervised: 1, reportedToday: 0, closedToday: 0 });
    expect(gridView.ranking.level).toBe('grid');
    expect(gridView.ranking.items.map((r: { code: string; current: boolean }) => [r.code, r.current])).toEqual([
      [grid1, false],
      [grid2, true],
    ]);
  });

  it('feeds the newest events', async () => {
    const feed = await get(`/api/dashboard/${village}/feed?limit=3`);
    expect(keysOf(feed.items)).toEqual(['H', 'C', 'B']);
    expect(feed.items[0]).toMatchObject({ title: '测试事件H', categoryCode: 'E0201', divisionCode: grid1, source: 'public', state: 'cancelled', supervisionLevel: null });
  });

  it('answers 404 for a division that does not exist and 400 for a malformed code', async () => {
    expect((await t.as(command, { method: 'GET', url: `/api/dashboard/${town}297` })).statusCode).toBe(404);
    expect((await t.as(command, { method: 'GET', url: '/api/dashboard/33020' })).statusCode).toBe(400);
    expect((await t.as(command, { method: 'GET', url: `/api/dashboard/${village}?days=0` })).statusCode).toBe(400);
  });

  it('is for the command room and leaders, not grid workers', async () => {
    expect((await t.as(await t.login('leader'), { method: 'GET', url: `/api/dashboard/${town}` })).statusCode).toBe(200);
    const grid = await t.as(await t.login('grid'), { method: 'GET', url: '/api/dashboard/33020310320101' });
    expect(grid.statusCode).toBe(403);
  });
});

describe('dashboard rules', () => {
  it('starts the local day at Shanghai midnight', () => {
    expect(localDay(at('2026-12-09T00:10:00').getTime())).toEqual({ date: '2026-12-09', start: at('2026-12-09T00:00:00'), end: at('2026-12-10T00:00:00') });
    expect(localDay(at('2026-12-08T23:59:59').getTime()).date).toBe('2026-12-08');
  });

  it('makes the funnel cumulative: an event counts in every step up to its furthest', () => {
    expect(funnelOf(new Map([[0, 3], [2, 1], [4, 2]]))).toEqual({ reported: 6, registered: 3, dispatched: 3, handled: 2, closed: 2 });
    expect(funnelOf(new Map())).toEqual({ reported: 0, registered: 0, dispatched: 0, handled: 0, closed: 0 });
  });

  it('sizes heat cells to the outline', () => {
    expect(heatCellSize([121, 29, 121.064, 29.032])).toBeCloseTo(0.001, 9);
    expect(heatCellSize(undefined)).toBe(0.001);
  });
});
