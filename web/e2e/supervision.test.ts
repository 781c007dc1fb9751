import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { demoPassword as password, e2eSession, login, screenshots, type E2eSession } from './browser.ts';

/**
 * The command room's supervision list (automatic 督办 on the demo town's overdue cases, plus a
 * leader's 挂牌督办), the addressed unit's written reply on the event page, the notice bell, and a
 * resident's satisfaction callback on the H5 progress page.
 */
/** 垃圾/杂物堆放-type street case in 薛家村第1网格, sent to the enforcement team where `dept` works. */
const spot = { lng: 121.4216, lat: 29.897 };
const category = 'E0201';

describe('supervision and callbacks in the browser', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession({ supervision: true });
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  /** A signed-in API caller, for setting the scene quickly. */
  async function caller(username: string) {
    const response = await fetch(`${baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    return async (method: string, url: string, body?: unknown) => {
      const reply = await fetch(`${baseUrl}${url}`, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await reply.json()) as Record<string, any>;
      if (!reply.ok) throw new Error(`${method} ${url}: ${reply.status} ${JSON.stringify(json)}`);
      return json;
    };
  }

  it('shows the supervision list and takes the unit’s written reply to a 挂牌督办', async () => {
    const command = await caller('command');
    const enf = ((await command('GET', '/api/system/organizations')) as { items: { id: number; code: string }[] }).items.find((o) => o.code === 'GL-ENF')!.id;
    const { event } = await command('POST', '/api/events', { source: 'hotline', categoryCode: category, description: '薛家村村口电线杆上贴满小广告', address: '薛家村村口', location: spot });
    await command('POST', `/api/events/${event.id}/actions/accept`, {});
    await command('POST', `/api/events/${event.id}/actions/register`, {});
    await command('POST', `/api/events/${event.id}/actions/dispatch`, { organizationId: enf });

    // ---- the town leader lists it on the event page
    const leader = await e2e.newPage();
    await login(leader, baseUrl, 'leader', password);
    await leader.goto(`${baseUrl}/events/${event.id}`);
    await leader.locator('[data-test="supervision-list"]').click();
    const dialog = leader.locator('.el-dialog[data-test="list-dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-test="list-requirement"]').fill('群众多次反映，限两个工作日内清理完毕并书面说明原因');
    await dialog.locator('[data-test="list-confirm"]').click();
    await leader.locator('[data-test="supervision-panel"] [data-test="level-listed"]').waitFor();
    expect(await leader.locator('[data-test="supervision-list"]').count()).toBe(0);

    // ---- the command room's list
    const room = await e2e.newPage();
    await login(room, baseUrl, 'command', password);
    await room.locator('[data-test="menu-supervision"]').click();
    const table = room.locator('[data-test="supervision-table"]');
    await table.locator('.el-table__row', { hasText: event.code }).waitFor();
    expect(await table.locator('[data-test="level-supervise"]').count()).toBeGreaterThan(0);
    expect(await table.locator('.el-table__row', { hasText: event.code }).locator('[data-test="level-listed"]').count()).toBe(1);
    await room.screenshot({ path: path.join(screenshots, 'supervision-list.png') });

    // Only the listed ones.
    await room.locator('[data-test="supervision-level"]').click();
    await room.locator('.el-select-dropdown__item', { hasText: '挂牌督办' }).click();
    await room.locator('.gz-search button[type="submit"]').click();
    await table.locator('.el-table__row', { hasText: event.code }).waitFor();
    expect(await table.locator('[data-test="level-supervise"]').count()).toBe(0);

    // ---- the enforcement team: the bell counts the notice; the event page takes the reply
    const dept = await e2e.newPage({ height: 1300 });
    await login(dept, baseUrl, 'dept', password);
    await dept.locator('[data-test="notice-unread"] .el-badge__content').waitFor();
    await dept.locator('[data-test="notice-bell"]').click();
    await dept.locator('[data-test="notice-list"] li', { hasText: event.code }).click();
    await dept.locator('[data-test="supervision-panel"]').waitFor();
    await dept.locator('[data-test="supervision-reply"]').fill('已安排执法一中队今日清理，并告知周边商户不得乱贴');
    await dept.locator('[data-test="supervision-reply-send"]').click();
    await dept.locator('[data-test="supervision-panel"] .reply', { hasText: '执法一中队' }).waitFor();
    await dept.locator('[data-test="event-timeline"]', { hasText: '督办回复' }).waitFor();
    await dept.screenshot({ path: path.join(screenshots, 'supervision-detail.png') });
  }, 180_000);

  it('takes the resident’s satisfaction callback on the H5 page once the case is closed', async () => {
    const receipt = await (
      await fetch(`${baseUrl}/api/public/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ categoryCode: category, description: '村口电线杆上贴满了小广告', location: { ...spot, crs: 'WGS84' }, name: '李先生' }) })
    ).json() as { code: string; followToken: string };
    const command = await caller('command');
    const dept = await caller('dept');
    const { items } = (await command('GET', `/api/events?keyword=${receipt.code}`)) as { items: { id: number }[] };
    const id = items[0]!.id;
    const enf = ((await command('GET', '/api/system/organizations')) as { items: { id: number; code: string }[] }).items.find((o) => o.code === 'GL-ENF')!.id;
    for (const [who, action, body] of [
      [command, 'accept', {}],
      [command, 'register', {}],
      [command, 'dispatch', { organizationId: enf }],
      [dept, 'sign', {}],
      [dept, 'submit', { note: '已清除' }],
      [command, 'request_check', {}],
      [command, 'check_pass', {}],
      [command, 'close', {}],
    ] as const) {
      await who('POST', `/api/events/${id}/actions/${action}`, body);
    }

    const phone = await e2e.newPage({ phone: true });
    await phone.goto(`${baseUrl}/h5/track?code=${encodeURIComponent(receipt.code)}&token=${encodeURIComponent(receipt.followToken)}`);
    await phone.locator('[data-test="h5-callback"]').waitFor();
    await phone.locator('[data-test="h5-satisfaction-basically_satisfied"]').click();
    await phone.locator('[data-test="h5-resolved-yes"]').click();
    await phone.locator('[data-test="h5-callback-comment"] textarea').fill('清理得很干净，希望以后多巡查');
    await phone.screenshot({ path: path.join(screenshots, 'h5-callback.png') });
    await phone.locator('[data-test="h5-callback-submit"]').click();
    await phone.locator('[data-test="h5-callback-given"]', { hasText: '基本满意' }).waitFor();
    expect(await phone.locator('[data-test="h5-callback"]').count()).toBe(0);
  }, 180_000);

  it('records a dissatisfied phone callback, which reopens the case', async () => {
    const command = await caller('command');
    const dept = await caller('dept');
    const enf = ((await command('GET', '/api/system/organizations')) as { items: { id: number; code: string }[] }).items.find((o) => o.code === 'GL-ENF')!.id;
    const { event } = await command('POST', '/api/events', { source: 'hotline', categoryCode: category, description: '菜场门口小广告', address: '薛家村菜场', location: spot });
    for (const [who, action, body] of [
      [command, 'accept', {}],
      [command, 'register', {}],
      [command, 'dispatch', { organizationId: enf }],
      [dept, 'sign', {}],
      [dept, 'submit', { note: '已清除' }],
      [command, 'request_check', {}],
      [command, 'check_pass', {}],
      [command, 'close', {}],
    ] as const) {
      await who('POST', `/api/events/${event.id}/actions/${action}`, body);
    }

    const page = await e2e.newPage();
    await login(page, baseUrl, 'command', password);
    await page.goto(`${baseUrl}/events/${event.id}`);
    await page.locator('[data-test="event-state"]', { hasText: '已结案' }).waitFor();
    await page.locator('[data-test="callback-record"]').click();
    const dialog = page.locator('.el-dialog[data-test="callback-dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-test="callback-dissatisfied"]').click();
    await dialog.locator('.el-radio-button', { hasText: '未解决' }).click();
    await dialog.locator('[data-test="callback-comment"]').fill('上报人说小广告又贴回来了');
    await dialog.locator('.el-alert', { hasText: '返工' }).waitFor();
    // Let the radio buttons finish their colour transition before the picture.
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, 'callback-dialog.png') });
    await dialog.locator('[data-test="callback-confirm"]').click();
    await page.locator('[data-test="event-state"]', { hasText: '待派遣' }).waitFor();
    await page.locator('[data-test="callback-panel"]', { hasText: '不满意' }).waitFor();
    expect(await page.locator('[data-test="callback-record"]').count()).toBe(0);
  }, 180_000);
});
