import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { createTestApp, type Session, type TestApp } from '../../../../test/test-app.ts';
import { multipart, multipartHeaders } from '../../../../test/fixtures.ts';
import { readXlsx, xlsx } from '../../registry/test-support.ts';
import { signWebhook } from '../../video/formats/webhook.ts';
import { newCamera } from '../../video/test-support.ts';
import { demoShop } from '../../../demo/demo-video.ts';
import { cipherOf, noQuietHours, setOutreachSettings, shopAt } from '../test-support.ts';

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The plate registry (车辆登记): kept by command-center staff through the API and spreadsheets, phones
 * encrypted and masked, and used by the video-AI reminder: a plate the camera read finds its owner.
 */
describe('plate registry', () => {
  const secret = 'vehicle-registry-secret';
  let t: TestApp;
  let admin: Session;
  let command: Session;
  let leader: Session;
  let grid: Session;
  const vehicles = (session: Session, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path = '', payload?: Record<string, unknown>) =>
    t.as(session, { method, url: `/api/outreach/vehicles${path}`, ...(payload ? { payload } : {}) });
  const upload = (bytes: Buffer, options: { query?: string; name?: string; type?: string } = {}) =>
    t.as(command, { method: 'POST', url: `/api/outreach/vehicles/import${options.query ? `?${options.query}` : ''}`, payload: multipart(options.name ?? 'vehicles.xlsx', bytes, options.type ?? xlsxType), headers: multipartHeaders });
  const stored = (plate: string) => t.app.db.selectFrom('vehicle_owner').selectAll().where('plate', '=', plate).executeTakeFirst();

  beforeAll(async () => {
    t = await createTestApp({ videoWebhookSecret: secret, videoRecheckIntervalSeconds: 0 });
    [admin, command, leader, grid] = await Promise.all([t.login('admin'), t.login('command'), t.login('leader'), t.login('grid')]);
    await setOutreachSettings(t, admin, { quietHours: noQuietHours, rateLimit: { maxMessages: 50, windowHours: 24 } });
  });
  afterAll(() => t.close());

  it('registers, lists masked, changes and removes vehicles; refuses bad plates, duplicates and those without the permission', async () => {
    const created = await vehicles(command, 'POST', '', { plate: '浙b·a7k21', ownerName: '周先生', phone: '138-0574-2001' });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ plate: '浙BA7K21', ownerName: '周先生', phone: '138****2001', source: 'manual', enterpriseName: null });
    expect(created.body).not.toContain('13805742001');
    const row = (await stored('浙BA7K21'))!;
    expect(cipherOf(t.app).decrypt(row.phone_enc)).toBe('13805742001');

    const bad = await vehicles(command, 'POST', '', { plate: '浙B1234', phone: '1234' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['/plate', 'PLATE_FORMAT'],
      ['/phone', 'PHONE_FORMAT'],
    ]);
    expect((await vehicles(command, 'POST', '', { plate: '浙BA7K21', phone: '13805742002' })).json()).toMatchObject({ code: 'OUTREACH_VEHICLE_EXISTS', detail: '车牌 浙BA7K21 已登记' });
    expect((await vehicles(command, 'POST', '', { plate: '浙BA7K22', phone: '13805742002', enterpriseId: 999999 })).json().fields[0]).toMatchObject({ field: '/enterpriseId', code: 'UNKNOWN_REFERENCE' });

    // Found by plate, name or the whole phone (through its blind index).
    for (const keyword of ['A7K', '周', '13805742001']) {
      expect((await vehicles(leader, 'GET', `?keyword=${encodeURIComponent(keyword)}`)).json().items.map((v: { plate: string }) => v.plate), keyword).toEqual(['浙BA7K21']);
    }
    const shop = await t.app.db.selectFrom('enterprise').select('id').where('credit_code', '=', demoShop.creditCode).executeTakeFirstOrThrow();
    const changed = await vehicles(command, 'PATCH', `/${created.json().id}`, { ownerName: null, enterpriseId: shop.id });
    expect(changed.json()).toMatchObject({ ownerName: null, phone: '138****2001', enterpriseName: demoShop.name });

    expect((await vehicles(leader, 'POST', '', { plate: '浙B00001', phone: '13800000001' })).statusCode).toBe(403);
    expect((await vehicles(grid, 'GET')).statusCode).toBe(403);
    expect((await vehicles(command, 'DELETE', `/${created.json().id}`)).statusCode).toBe(204);
    expect(await stored('浙BA7K21')).toBeUndefined();
    const actions = (await t.app.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'vehicle_owner').where('entity_id', '=', String(created.json().id)).execute()).map((a) => a.action);
    expect(actions).toEqual(['outreach:vehicle:create', 'outreach:vehicle:update', 'outreach:vehicle:delete']);
  });

  it('reveals the full phone only with the reveal permission, audited without the number', async () => {
    const created = (await vehicles(command, 'POST', '', { plate: '浙B3C456', phone: '13605743456' })).json();
    expect((await t.as(command, { method: 'POST', url: `/api/outreach/vehicles/${created.id}/reveal` })).statusCode).toBe(403);
    const revealed = await t.as(admin, { method: 'POST', url: `/api/outreach/vehicles/${created.id}/reveal` });
    expect(revealed.json()).toEqual({ field: 'phone', value: '13605743456' });
    const audit = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'registry:personal-data:reveal').where('entity_type', '=', 'vehicle_owner').executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(String(created.id));
    expect(JSON.stringify(audit)).not.toContain('13605743456');
  });

  it('imports a spreadsheet: template, every bad row reported, nothing written by default, valid rows on request, re-import updates', async () => {
    const template = await t.as(command, { method: 'GET', url: '/api/outreach/vehicles/import-template' });
    expect(template.headers['content-type']).toBe(xlsxType);
    expect((await readXlsx(template.rawPayload))[0]).toEqual(['车牌号*', '车主姓名', '联系电话*', '所属企业信用代码']);

    const headers = ['车牌号', '车主姓名', '联系电话', '所属企业信用代码'];
    const rows = [
      ['浙B 6E789', '吴女士', '13905746789', ''],
      ['浙BD67890', '', '0574-87651234', demoShop.creditCode],
      ['浙B6E789', '重复', '13905740000', ''],
      ['浙B1234', '坏车牌', '13905740001', ''],
      ['浙B11111', '', '', '91330203MA2ABCDE1X'],
    ];
    const count = async () => Number((await t.app.db.selectFrom('vehicle_owner').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const rejected = await upload(await xlsx(headers, rows));
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toMatchObject({ code: 'IMPORT_ROWS_REJECTED', rows: 5, inserted: 0, rejected: 3 });
    expect(rejected.json().errors.map((e: { row: number; column: string; code: string }) => [e.row, e.column, e.code])).toEqual([
      [4, '车牌号', 'DUPLICATE_IN_FILE'],
      [5, '车牌号', 'PLATE_FORMAT'],
      [6, '联系电话', 'required'],
      [6, '所属企业信用代码', 'CREDIT_CODE_CHECK_DIGIT'],
    ]);
    expect(await count()).toBe(before);

    const partial = await upload(await xlsx(headers, rows), { query: 'mode=valid-rows' });
    expect(partial.json()).toMatchObject({ mode: 'valid-rows', rows: 5, inserted: 2, updated: 0, rejected: 3 });
    expect(await count()).toBe(before + 2);
    const linked = (await vehicles(command, 'GET', `?keyword=${encodeURIComponent('浙BD67890')}`)).json().items[0];
    expect(linked).toMatchObject({ phone: '0574****1234', enterpriseName: demoShop.name, source: 'import' });

    // The same plate again (GBK CSV, as Excel saves it): the owner is updated, nothing duplicated.
    const csv = iconv.encode('车牌号,车主姓名,联系电话\r\n浙B6E789,吴建华,13905746780\r\n', 'gbk');
    expect((await upload(csv, { name: 'gbk.csv', type: 'text/csv' })).json()).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    const updated = (await stored('浙B6E789'))!;
    expect([updated.owner_name, updated.phone_masked, cipherOf(t.app).decrypt(updated.phone_enc)]).toEqual(['吴建华', '139****6780', '13905746780']);
    expect(await count()).toBe(before + 2);

    const audits = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'outreach:vehicle:import').orderBy('id').execute();
    expect(audits.map((a) => a.changes)).toEqual([
      { _details: { file: 'vehicles.xlsx', mode: 'valid-rows', rows: 5, inserted: 2, updated: 0, rejected: 3 } },
      { _details: { file: 'gbk.csv', mode: 'all-or-nothing', rows: 1, inserted: 0, updated: 1, rejected: 0 } },
    ]);
    expect(JSON.stringify(audits)).not.toContain('1390574');
  });

  it('exports the list with phones masked, audited', async () => {
    const response = await t.as(command, { method: 'GET', url: `/api/outreach/vehicles/export?keyword=${encodeURIComponent('浙B6E789')}` });
    expect(response.headers['content-type']).toBe(xlsxType);
    const [header, row] = await readXlsx(response.rawPayload);
    expect(header).toEqual(['车牌号', '车主姓名', '联系电话', '所属企业信用代码', '所属企业', '来源', '更新时间']);
    expect(row!.slice(0, 3)).toEqual(['浙B6E789', '吴建华', '139****6780']);
    expect(response.rawPayload.toString('latin1')).not.toContain('13905746780');
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'outreach:vehicle:export').executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ _details: { rows: 1 } });
  });

  describe('the video AI reads a plate', () => {
    function detect(body: Record<string, unknown>) {
      const payload = JSON.stringify(body);
      const timestamp = Math.floor(Date.now() / 1000);
      return t.app.inject({ method: 'POST', url: '/api/video/webhook', headers: { 'content-type': 'application/json', 'x-gongzhi-timestamp': String(timestamp), 'x-gongzhi-signature': signWebhook(secret, timestamp, payload) }, payload });
    }

    /** A car parked ten minutes in the zone of a new camera, read as `plate`; the reminder it got. */
    async function parked(sourceName: string, plate: string | null, shopPhone?: string) {
      // Test cameras stand at their grid's first inside point: one grid each, so shops do not carry over.
      const cameraId = await newCamera(t, admin, { sourceName, grid: `3302031032020${sourceName.slice(-1)}` });
      const camera = await t.app.db.selectFrom('device').select(['lng', 'lat']).where('id', '=', cameraId).executeTakeFirstOrThrow();
      if (shopPhone) await shopAt(t.app, camera, { phone: shopPhone, name: `${sourceName}商店` });
      const car = { camera: sourceName, objectId: 'car-1', label: 'car', score: 0.9, box: [0.3, 0.5, 0.5, 0.8], stationary: true, startedAt: Math.floor(Date.now() / 1000) - 600, ...(plate ? { subLabel: plate } : {}) };
      expect((await detect(car)).statusCode).toBeLessThan(300);
      await t.app.videoIntake.settled();
      const detection = await t.app.db.selectFrom('video_detection').select(['event_id', 'sub_label']).where('device_id', '=', cameraId).executeTakeFirstOrThrow();
      const reminder = await t.app.db.selectFrom('outreach_reminder').selectAll().where('event_id', '=', detection.event_id!).executeTakeFirstOrThrow();
      const messages = await t.app.db.selectFrom('outreach_message').select(['channel', 'recipient_enc']).where('reminder_id', '=', reminder.id).execute();
      const history = await t.app.db.selectFrom('event_history').select(['action', 'note', 'details']).where('event_id', '=', detection.event_id!).where('action', '=', 'remind_party').executeTakeFirstOrThrow();
      return { reminder, recipients: messages.map((m) => cipherOf(t.app).decrypt(m.recipient_enc)), history };
    }

    it("reminds the registered owner (机动车乱停放 targets vehicles), even with a shop beside the camera", async () => {
      expect((await vehicles(command, 'POST', '', { plate: '浙BD55501', ownerName: '郑车主', phone: '13705745501' })).statusCode).toBe(201);
      const { reminder, recipients, history } = await parked('plate_cam_01', '浙B·D55501', '13905745500');
      expect(reminder).toMatchObject({ status: 'awaiting', party_kind: 'vehicle', party_ref: '浙BD55501', party_name: '郑车主', recipient_masked: '137****5501' });
      // E0505: SMS and a voice call, both to the owner.
      expect(recipients).toEqual(['13705745501', '13705745501']);
      expect(history.details).toMatchObject({ party: 'vehicle_owner', plateLookup: 'owner' });
      expect(JSON.stringify(history)).not.toContain('郑车主');
    });

    it('falls back to the shop at the spot for an unregistered plate, and says so', async () => {
      const { reminder, recipients, history } = await parked('plate_cam_02', '浙B99X99', '13905745600');
      expect(reminder).toMatchObject({ status: 'awaiting', party_kind: 'enterprise', party_name: 'plate_cam_02商店' });
      expect(recipients).toEqual(['13905745600', '13905745600']);
      expect(history.details).toMatchObject({ plateLookup: 'unregistered' });
    });

    it('records no party honestly when the plate is unknown and no shop is near', async () => {
      const unregistered = await parked('plate_cam_03', '浙B99X98');
      expect(unregistered.reminder).toMatchObject({ status: 'no_party', party_kind: null });
      expect(unregistered.recipients).toEqual([]);
      expect(unregistered.history).toMatchObject({ note: '车牌未登记，现场也未找到责任方，按常规流程处置', details: expect.objectContaining({ outcome: 'no_party', plateLookup: 'unregistered' }) });
      const unreadable = await parked('plate_cam_04', '张三的车');
      expect(unreadable.history).toMatchObject({ note: '未识别出有效车牌，现场也未找到责任方，按常规流程处置', details: expect.objectContaining({ plateLookup: 'unreadable' }) });
    });

    it('ignores the plate when the category reminds the shop at the spot', async () => {
      expect((await t.as(admin, { method: 'PUT', url: '/api/outreach/policies/E0505', payload: { graceMinutes: 10, channels: ['sms'], party: 'spot' } })).statusCode).toBe(200);
      const { reminder, history } = await parked('plate_cam_05', '浙BD55501', '13905745700');
      expect(reminder).toMatchObject({ party_kind: 'enterprise' });
      expect(history.details).toMatchObject({ plateLookup: null });
      await t.as(admin, { method: 'PUT', url: '/api/outreach/policies/E0505', payload: { graceMinutes: 10, channels: ['sms', 'voice'], party: 'vehicle' } });
    });
  });
});
