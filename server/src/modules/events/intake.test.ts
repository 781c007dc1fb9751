import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { multipart, multipartHeaders, testPng } from '../../../test/fixtures.ts';
import { toWgs84 } from '../../gis/coordinates.ts';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';
import { statementsDuring } from '../../../test/statement-log.ts';

describe('event intake', () => {
  let t: TestApp;
  let api: ReturnType<typeof eventsClient>;
  let command: Session;
  let grid: Session;
  let point: { lng: number; lat: number };

  beforeAll(async () => {
    t = await createTestApp();
    api = eventsClient(t);
    [command, grid] = await Promise.all([t.login('command'), t.login('grid')]);
    await testCategory(t.app, 'E9902', { value: 1, unit: 'work_day' });
    point = await pointIn(t.app, homeGrid);
  });
  afterAll(() => t.close());

  const upload = async (session: Session, name: string, bytes: Buffer) => {
    const response = await t.as(session, { method: 'POST', url: '/api/files', payload: multipart(name, bytes), headers: multipartHeaders });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().id as number;
  };
  const countEvents = async () => Number((await t.app.db.selectFrom('event').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('places a staff report in its grid and starts it at 立案, with photos re-owned to the event', async () => {
    const photo = await upload(grid, 'before.png', await testPng(32, 32));
    const response = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: '占道堆物', location: point, fileIds: [photo] });
    expect(response.statusCode).toBe(201);
    const { event } = response.json();
    expect(event).toMatchObject({ state: 'pending_register', gridCode: homeGrid, divisionCode: homeGrid, phase: 'register', light: 'green', source: 'grid' });
    const file = await t.app.db.selectFrom('stored_file').select(['owner_type', 'owner_id', 'division_code']).where('id', '=', photo).executeTakeFirstOrThrow();
    expect(file).toEqual({ owner_type: 'event', owner_id: String(event.id), division_code: homeGrid });
    const detail = (await api.get(grid, event.id)).json();
    expect(detail.photos.before.map((p: { id: number }) => p.id)).toEqual([photo]);
    expect(detail.timeline[0]).toMatchObject({ action: 'report', actorName: '张网格', toState: 'pending_register', fileIds: [photo] });
    // Queue rows name the place, so the grid worker (who cannot read the division tree) sees where it is.
    const gridName = (await t.app.db.selectFrom('division').select('name').where('code', '=', homeGrid).executeTakeFirstOrThrow()).name;
    const listed = (await t.as(grid, { method: 'GET', url: '/api/events?pageSize=50' })).json().items.find((e: { id: number }) => e.id === event.id);
    expect(listed).toMatchObject({ divisionCode: homeGrid, divisionName: gridName });
    expect(detail.event.divisionName).toBe(gridName);
  });

  it('writes a report without photos in one statement: the event, its first history row and its audit row', async () => {
    const body = { source: 'hotline', categoryCode: 'E9902', description: '一条语句', location: point };
    let response: Awaited<ReturnType<typeof api.report>> | undefined;
    const statements = await statementsDuring(t.app.database, async () => (response = await api.report(command, body)));
    expect(response!.statusCode).toBe(201);
    const { event } = response!.json();
    // Background jobs may query meanwhile; the intake's own writes are the case number and the event.
    const writes = statements.filter((s) => /^(insert|with)\b/i.test(s) && /\b(event\w*|audit_log)\b/.test(s));
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatch(/^INSERT INTO event_code_counter/);
    expect(writes[1]).toMatch(/insert into "event"[\s\S]*INSERT INTO event_history[\s\S]*INSERT INTO audit_log/);
    // The view names the division from that statement, not from a query of its own.
    expect(statements.some((s) => /^SELECT \(SELECT minor_name/.test(s))).toBe(false);
    const gridName = (await t.app.db.selectFrom('division').select('name').where('code', '=', homeGrid).executeTakeFirstOrThrow()).name;
    expect(event).toMatchObject({ categoryName: '测试类别E9902', divisionName: gridName, handlingUnitName: null });
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'actor_name', 'division_code', 'changes', 'request_id']).where('entity_type', '=', 'event').where('entity_id', '=', String(event.id)).execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'event:case:create', actor_name: '王指挥', division_code: homeGrid, changes: expect.objectContaining({ code: { to: event.code }, state: { to: 'reported' }, photos: { to: [] } }) })]);
    expect(audit[0]!.request_id).toEqual(expect.any(String));
    const history = await t.app.db.selectFrom('event_history').select(['action', 'to_state', 'details']).where('event_id', '=', event.id).execute();
    expect(history).toEqual([{ action: 'report', to_state: 'reported', details: { source: 'hotline', gridCode: homeGrid } }]);
  });

  it('converts GCJ-02 points to WGS84 before locating them', async () => {
    const { event } = (await api.report(command, { source: 'hotline', categoryCode: 'E9902', description: 'x', location: { ...point, crs: 'GCJ02' } })).json();
    const [lng, lat] = toWgs84(point.lng, point.lat, 'GCJ02');
    expect([event.lng, event.lat]).toEqual([lng, lat]);
    expect(Math.abs(event.lng - point.lng)).toBeGreaterThan(0.001);
    expect(event.gridCode).toBe(t.app.grids.locate(lng, lat)?.unitGridCode ?? null);
  });

  it('answers a repeated (source, idempotencyKey) with the stored event and 200', async () => {
    const body = { source: 'video_ai', categoryCode: 'E9902', description: 'AI 识别：暴露垃圾', location: point, idempotencyKey: 'cam-7-alarm-123' };
    const first = await api.report(command, body);
    const again = await api.report(command, body);
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().event.id).toBe(first.json().event.id);
    const racing = await Promise.all([1, 2, 3].map(() => api.report(command, { ...body, idempotencyKey: 'cam-7-alarm-124' })));
    expect(new Set(racing.map((r) => r.json().event.id)).size).toBe(1);
    expect(racing.map((r) => r.statusCode).sort()).toEqual([200, 200, 201]);
  });

  it('refuses an unknown or inactive category clearly', async () => {
    const unknown = await api.report(command, { source: 'hotline', categoryCode: 'E9999', description: 'x', location: point });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'EVENT_CATEGORY_UNKNOWN', fields: [{ field: '/categoryCode', code: 'EVENT_CATEGORY_UNKNOWN' }] });
    expect(unknown.json().detail).toContain('E9999');
    // Deactivated through the configuration API, the category is refused at once (the cached config reloads).
    const admin = await t.login('admin');
    const setActive = (active: boolean) => t.as(admin, { method: 'PATCH', url: '/api/event-config/categories/E9902', payload: { active } });
    expect((await setActive(false)).statusCode).toBe(200);
    const inactive = await api.report(command, { source: 'hotline', categoryCode: 'E9902', description: 'x' });
    expect((await setActive(true)).statusCode).toBe(200);
    expect(inactive.json().code).toBe('EVENT_CATEGORY_UNKNOWN');
  });

  it('never loses a report outside every grid: it waits for placement at the town', async () => {
    for (const location of [{ lng: 120.0, lat: 30.5 }, undefined]) {
      const response = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: '镇外', ...(location ? { location } : {}) });
      expect(response.statusCode).toBe(201);
      const { event } = response.json();
      expect(event).toMatchObject({ state: 'pending_placement', divisionCode: '330203103', gridCode: null, phase: 'accept' });
      // The reporter keeps seeing it; the acceptor finds it in 待受理.
      expect((await api.get(grid, event.id)).statusCode).toBe(200);
      const queue = (await t.as(command, { method: 'GET', url: '/api/events?queue=accept&pageSize=500' })).json();
      expect(queue.items.map((e: { id: number }) => e.id)).toContain(event.id);
      const outside = await api.act(command, event.id, 'place', { location: { lng: 120.0, lat: 30.5 } });
      expect(outside.json().code).toBe('OUTSIDE_ALL_GRIDS');
      const placed = await api.act(command, event.id, 'place', { location: point });
      expect(placed.json().event).toMatchObject({ state: 'reported', gridCode: homeGrid, divisionCode: homeGrid });
    }
  });

  it('refuses missing, foreign and non-image photos without creating anything', async () => {
    const before = await countEvents();
    const missing = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: 'x', location: point, fileIds: [99999999] });
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ code: 'EVENT_PHOTOS_INVALID', fields: [{ field: '/fileIds/0', code: 'EVENT_FILE_NOT_OWNED' }] });
    const foreign = await upload(command, 'x.png', await testPng(16, 16, '#00ff00'));
    const own = await upload(grid, 'y.png', await testPng(16, 16, '#0000ff'));
    const pdf = await upload(grid, 'z.pdf', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'));
    const mixed = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: 'x', location: point, fileIds: [own, foreign, pdf] });
    expect(mixed.json().fields).toEqual([
      expect.objectContaining({ field: '/fileIds/1', code: 'EVENT_FILE_NOT_OWNED' }),
      expect.objectContaining({ field: '/fileIds/2', code: 'EVENT_FILE_NOT_IMAGE' }),
    ]);
    expect(await countEvents()).toBe(before);
    const ownFile = await t.app.db.selectFrom('stored_file').select('owner_type').where('id', '=', own).executeTakeFirstOrThrow();
    expect(ownFile.owner_type).toBe('upload');
    const tooMany = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: 'x', fileIds: Array.from({ length: 10 }, (_, i) => i + 1) });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json().fields[0]).toMatchObject({ field: '/fileIds', code: 'maxItems' });
  });

  it('keeps the reporter phone encrypted and shows it masked', async () => {
    const { event } = (await api.report(command, { source: 'hotline', categoryCode: 'E9902', description: 'x', location: point, reporter: { name: '王女士', phone: '138 1234 5678' } })).json();
    expect(event).toMatchObject({ reporterName: '王女士', reporterPhone: '138****5678' });
    const stored = await t.app.db.selectFrom('event').select(['reporter_phone', 'reporter_phone_idx']).where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(stored.reporter_phone).not.toContain('5678');
    const cipher = new FieldCipher(loadDataKey(t.app.config, { warn: () => undefined }));
    expect(cipher.decrypt(stored.reporter_phone!)).toBe('13812345678');
    expect(stored.reporter_phone_idx).toBe(cipher.blindIndex('phone', '13812345678'));
    const bad = await api.report(command, { source: 'hotline', categoryCode: 'E9902', description: 'x', reporter: { phone: '12345' } });
    expect(bad.json().fields).toEqual([expect.objectContaining({ field: '/reporter/phone', code: 'PHONE_FORMAT' })]);
  });

  it('numbers cases per town and day without gaps between concurrent intakes', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => api.report(command, { source: 'hotline', categoryCode: 'E9902', description: 'x', location: point })));
    const codes = responses.map((r) => r.json().event.code as string);
    expect(new Set(codes).size).toBe(8);
    const numbers = codes.map((c) => Number(c.slice(-5))).sort((a, b) => a - b);
    expect(numbers.at(-1)! - numbers[0]!).toBe(7);
  });

  it('shows possible duplicates on the detail (not in the intake answer) and merges one into the original', async () => {
    await testCategory(t.app, 'E9903', { value: 2, unit: 'work_hour' });
    const original = (await api.report(grid, { source: 'grid', categoryCode: 'E9903', description: '井盖缺失', location: point })).json().event;
    const second = (await api.report(command, { source: 'hotline', categoryCode: 'E9903', description: '井盖没了', location: { lng: point.lng + 0.0001, lat: point.lat } })).json();
    expect(Object.keys(second)).toEqual(['event']);
    const detail = (await api.get(command, second.event.id)).json();
    expect(detail.duplicates.map((d: { id: number }) => d.id)).toEqual([original.id]);
    expect(detail.duplicates[0].distanceMeters).toBeLessThan(20);
    expect(detail.canMerge).toBe(true);
    expect((await t.as(grid, { method: 'POST', url: `/api/events/${second.event.id}/merge`, payload: { intoId: original.id } })).statusCode).toBe(403);
    const merged = await t.as(command, { method: 'POST', url: `/api/events/${second.event.id}/merge`, payload: { intoId: original.id, note: '同一井盖' } });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().event).toMatchObject({ state: 'cancelled', mergedIntoId: original.id });
    const originalDetail = (await api.get(command, original.id)).json();
    expect(originalDetail.timeline.at(-1)).toMatchObject({ action: 'merge_in', details: { mergedId: second.event.id } });
    expect(originalDetail.duplicates).toEqual([]);
    const again = await t.as(command, { method: 'POST', url: `/api/events/${second.event.id}/merge`, payload: { intoId: original.id } });
    expect(again.json().code).toBe('EVENT_MERGE_NOT_ALLOWED');
  });
});
