import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { multipart, multipartHeaders, testPng } from '../../../test/fixtures.ts';

/** The resident H5 page: no sign-in, photos through the public upload, progress by code and token. */
describe('public event reports', () => {
  let t: TestApp;
  let command: Session;
  let point: { lng: number; lat: number };

  beforeAll(async () => {
    t = await createTestApp({ uploadMaxBytes: 100_000 });
    command = await t.login('command');
    await testCategory(t.app, 'E9907', { value: 1, unit: 'work_day' });
    await testCategory(t.app, 'E9908', { value: 1, unit: 'work_day' }, { publicReportable: false });
    point = await pointIn(t.app, homeGrid);
  });
  afterAll(() => t.close());

  const upload = (bytes: Buffer, name = 'photo.png') => t.app.inject({ method: 'POST', url: '/api/public/files', payload: multipart(name, bytes), headers: multipartHeaders });
  const report = (payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/public/events', payload });

  it('takes a report with a photo and shows its progress without personal data', async () => {
    const photo = await upload(await testPng(40, 40));
    expect(photo.statusCode, photo.body).toBe(201);
    const token = photo.json().photo as string;
    expect(token).toMatch(/^\d+\.[A-Za-z0-9_-]+$/);
    // An upload waiting for its report is nobody's to read.
    expect((await t.as(command, { method: 'GET', url: `/api/files/${token.split('.')[0]}` })).statusCode).toBe(404);

    const receipt = await report({ categoryCode: 'E9907', description: '楼下垃圾三天没人清运', location: { ...point, crs: 'WGS84' }, photos: [token], name: '李先生', phone: '13900001111' });
    expect(receipt.statusCode, receipt.body).toBe(201);
    const { code, followToken } = receipt.json();
    const stored = await t.app.db.selectFrom('event').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ source: 'public', state: 'reported', grid_code: homeGrid, reporter_phone_masked: '139****1111' });
    expect(stored.follow_token_hash).not.toContain(followToken);
    const files = await t.app.db.selectFrom('stored_file').select('owner_type').where('id', '=', Number(token.split('.')[0])).executeTakeFirstOrThrow();
    expect(files.owner_type).toBe('event');

    const api = eventsClient(t);
    await api.act(command, stored.id, 'accept');
    await api.act(command, stored.id, 'register');
    await api.act(command, stored.id, 'dispatch', { organizationId: await orgId(t.app, 'GL-ENF'), note: '内部：请执法队今天处理' });
    const progress = await t.app.inject({ method: 'GET', url: `/api/public/events/${code}?token=${followToken}` });
    expect(progress.statusCode).toBe(200);
    const body = progress.json();
    expect(body).toMatchObject({ code, stage: 'dispatched', categoryName: '测试类别E9907' });
    expect(body.steps.map((s: { stage: string; at: string | null }) => [s.stage, s.at !== null])).toEqual([
      ['reported', true],
      ['registered', true],
      ['dispatched', true],
      ['handling', false],
      ['feedback', false],
      ['closed', false],
    ]);
    expect(progress.body).not.toMatch(/李先生|1390000|139\*/);
    // Internal notes (the dispatch order) are not the resident's business; the unit's answer is.
    expect(body.reply).toBeNull();
    const dept = await t.login('dept');
    await api.act(dept, stored.id, 'sign');
    await api.act(dept, stored.id, 'submit', { note: '已清理完毕，联系电话 13900001111' });
    const answered = (await t.app.inject({ method: 'GET', url: `/api/public/events/${code}?token=${followToken}` })).json();
    expect(answered).toMatchObject({ stage: 'feedback', reply: '已清理完毕，联系电话 139****1111' });
  });

  it('answers a wrong token like an unknown code', async () => {
    const { code } = (await report({ categoryCode: 'E9907', description: '路灯不亮', location: point })).json();
    const wrong = await t.app.inject({ method: 'GET', url: `/api/public/events/${code}?token=guess` });
    const unknown = await t.app.inject({ method: 'GET', url: `/api/public/events/330203103-20200101-00001?token=guess` });
    expect([wrong.statusCode, unknown.statusCode]).toEqual([404, 404]);
    expect(wrong.json().code).toBe('NOT_FOUND');
  });

  it('refuses categories closed to residents, foreign photos, non-images and oversize files', async () => {
    expect((await report({ categoryCode: 'E9908', description: 'x' })).json().code).toBe('EVENT_CATEGORY_UNKNOWN');
    const forged = await report({ categoryCode: 'E9907', description: 'x', photos: ['1.AAAAAAAAAAAAAAAAAAAAAAAA'] });
    expect(forged.json()).toMatchObject({ code: 'EVENT_PHOTOS_INVALID', fields: [{ field: '/photos/0', code: 'EVENT_FILE_NOT_OWNED' }] });
    const pdf = await upload(Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n'), 'a.pdf');
    expect(pdf.statusCode).toBe(415);
    expect(pdf.json().code).toBe('FILE_TYPE_NOT_ALLOWED');
    const text = await upload(Buffer.from('<script>alert(1)</script>'), 'a.png');
    expect(text.statusCode).toBe(415);
    const big = await upload(Buffer.alloc(200_000, 1), 'big.png');
    expect(big.statusCode).toBe(413);
    expect((await t.app.inject({ method: 'POST', url: '/api/public/files', payload: multipart('e.png', Buffer.alloc(0)), headers: multipartHeaders })).json().code).toBe('FILE_MISSING');
  });

  it('limits how often one address may report', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await report({ categoryCode: 'E9999', description: 'x' })).statusCode);
    expect(statuses).toContain(429);
  });
});
