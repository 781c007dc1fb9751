import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';

/**
 * Polite reminders (视频AI + 114) in the browser: two video-AI events at a shop of the demo town; the
 * command center sends a reminder from each event page, records "complied" on one (closed as resolved
 * by reminder) and "not complied" on the other (dispatched to law enforcement); the log shows the
 * messages with masked numbers and their delivery status; an administrator edits a template with the
 * live preview; a number goes on the opt-out list.
 */

describe('outreach: reminders, log, templates, opt-outs', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  const signIn = (username: string, height = 900) => e2e.signIn(username, { height });

  /** An API call as the signed-in person (cookie and CSRF header), for setting the scene. */
  function api<T>(page: Page, method: string, url: string, body?: unknown): Promise<T> {
    return page.evaluate(
      async ({ method, url, body }) => {
        const me = await (await fetch('/api/auth/me')).json();
        const response = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
        if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
        return response.json();
      },
      { method, url, body },
    ) as Promise<T>;
  }

  async function openEvent(page: Page, id: number) {
    await page.goto(`${baseUrl}/events/${id}`);
    await page.locator('[data-test="outreach-panel"]').waitFor();
  }

  async function sendReminder(page: Page) {
    await page.locator('[data-test="outreach-send"]').click();
    await page.locator('[data-test="outreach-send-confirm"]').click();
    await page.locator('[data-test="outreach-reminder-status"]', { hasText: '等待复核' }).waitFor();
  }

  async function recheck(page: Page, button: 'outreach-complied' | 'outreach-not-complied', state: string) {
    await page.locator(`[data-test="${button}"]`).click();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('[data-test="event-state"]', { hasText: state }).waitFor();
  }

  it('reminds, re-checks, logs, and edits templates', async () => {
    // ---- the scene: no quiet hours (the test must not depend on the hour it runs), at most three messages
    // per number a day, two AI events at a shop
    const admin = await signIn('admin');
    const settings = await api<Record<string, unknown>>(admin, 'GET', '/api/outreach/settings');
    await api(admin, 'PUT', '/api/outreach/settings', { ...settings, quietHours: { start: '00:00', end: '00:00', smsAllowed: false }, rateLimit: { maxMessages: 3, windowHours: 24 }, sign: '古林镇综合信息指挥室' });
    const shops = await api<{ items: { lng: number; lat: number; name: string; phone: string | null; address: string }[] }>(admin, 'GET', '/api/registry/enterprises?pageSize=50');
    const shop = shops.items.find((s) => s.phone && s.address)!;
    const command = await signIn('command', 1100);
    const report = (categoryCode: string, address: string) =>
      api<{ event: { id: number; code: string } }>(command, 'POST', '/api/events', { source: 'video_ai', categoryCode, description: 'AI 识别：违规行为持续 5 分钟', location: { lng: shop.lng, lat: shop.lat }, address }).then((r) => r.event);
    const parking = await report('E0505', `${shop.address}门前`);
    const stall = await report('E0550', `${shop.address}人行道`);

    // ---- the command center reminds the shop from the event page, and the stall is cleared
    await openEvent(command, stall.id);
    await sendReminder(command);
    expect(await command.locator('[data-test="outreach-latest"]').textContent()).toContain(shop.name);
    expect(await command.locator('[data-test="outreach-latest"]').textContent()).toContain(shop.phone!);
    // The worker sends the outbox within a few seconds (the outbox provider: recorded, nothing leaves).
    await command.locator('[data-test="outreach-latest"] [data-test="message-status-sent"]').first().waitFor({ timeout: 20_000 });
    await command.screenshot({ path: path.join(screenshots, 'outreach-event.png') });
    await recheck(command, 'outreach-complied', '已结案');
    await command.locator('[data-test="outreach-reminder-status"]', { hasText: '已整改' }).waitFor();

    // ---- the car is still there after the grace period: to the enforcement squad
    await openEvent(command, parking.id);
    await sendReminder(command);
    await recheck(command, 'outreach-not-complied', '待签收');
    await command.locator('[data-test="outreach-reminder-status"]', { hasText: '未整改' }).waitFor();

    // ---- the log: every message, numbers masked, with its delivery status (once the worker sent them)
    await expect.poll(async () => (await api<{ total: number }>(command, 'GET', '/api/outreach/messages?status=queued')).total, { timeout: 20_000 }).toBe(0);
    await command.goto(`${baseUrl}/outreach/messages`);
    const log = command.locator('[data-test="outreach-log"]');
    await log.locator('.el-table__row', { hasText: parking.code }).first().waitFor();
    await log.locator('[data-test="message-status-sent"]').first().waitFor({ timeout: 20_000 });
    // SMS + call for the stall, SMS for the car; the car's call would be the fourth message of the day.
    expect(await log.locator('.el-table__row').count()).toBe(4);
    expect(await log.locator('[data-test="message-status-skipped"]').count()).toBe(1);
    expect(await log.locator('.el-table__row', { hasText: '超过发送频次限制' }).count()).toBe(1);
    const recipients = await log.locator('[data-test="outreach-recipient"]').allTextContents();
    expect(recipients.every((r) => /^1\d{2}\*{4}\d{4}$/.test(r.trim()))).toBe(true);
    // No full mobile number in any cell.
    expect((await log.locator('td').allTextContents()).join('\n')).not.toMatch(/(?<!\d)1[3-9]\d{9}(?!\d)/);
    await command.locator('[data-test="outreach-rates"]').waitFor();
    await command.waitForTimeout(500); // the side menu's group opens with an animation
    await command.screenshot({ path: path.join(screenshots, 'outreach-log.png'), fullPage: true });

    // ---- an administrator edits the parking SMS: an unknown variable is caught in the live preview
    await admin.goto(`${baseUrl}/outreach/templates`);
    await admin.locator('[data-test="edit-E0505-sms"]').click();
    const dialog = admin.locator('.el-dialog[data-test="template-dialog"]');
    await dialog.waitFor();
    const body = dialog.locator('[data-test="template-body"]');
    await body.fill('您好！{time}在{place}发现车辆{plate}违规停放，请于{deadline_minutes}分钟内驶离。【{sign}】');
    await dialog.locator('[data-test="template-preview"]', { hasText: '未知变量“plate”' }).waitFor();
    await body.fill('您好！{time}在{place}发现机动车违规停放，影响通行，请于{deadline_minutes}分钟内驶离。感谢配合！【{sign}】');
    await dialog.locator('[data-test="template-preview"]', { hasText: '古林镇薛家村布政路12号' }).waitFor();
    await admin.screenshot({ path: path.join(screenshots, 'outreach-templates.png') });
    await dialog.locator('[data-test="save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.locator('[data-test="outreach-templates"]', { hasText: '影响通行，请于' }).waitFor();
    await admin.setViewportSize({ width: 1440, height: 1500 });
    await admin.screenshot({ path: path.join(screenshots, 'outreach-templates-page.png'), fullPage: true });

    // ---- a shopkeeper asked for no more reminders
    await command.goto(`${baseUrl}/outreach/opt-outs`);
    await command.locator('[data-test="opt-out-add"]').click();
    await command.locator('[data-test="opt-out-phone"]').fill('139 0574 1234');
    await command.locator('.el-dialog[data-test="opt-out-dialog"] [data-test="save"]').click();
    await command.locator('[data-test="opt-out-table"] .el-table__row', { hasText: '139****1234' }).waitFor();
  }, 180_000);

  it('keeps the plate registry: demo vehicles masked, an audited reveal, a vehicle registered, a file imported with its row report', async () => {
    const admin = await signIn('admin');
    await admin.goto(`${baseUrl}/outreach/vehicles`);
    const table = admin.locator('[data-test="vehicle-table"]');
    const demoCar = table.locator('.el-table__row', { hasText: '浙BD12345' });
    await demoCar.getByText('138****1201').waitFor();
    await demoCar.getByRole('button', { name: '查看完整号码' }).click();
    await admin.locator('.el-message-box').getByRole('button', { name: '查看完整号码' }).click();
    await demoCar.getByText('13805741201').waitFor();

    await admin.locator('[data-test="vehicle-add"]').click();
    await admin.locator('[data-test="vehicle-plate"]').fill('浙b·c3d45');
    await admin.locator('[data-test="vehicle-phone"]').fill('139 0574 9999');
    await admin.locator('.el-dialog[data-test="vehicle-dialog"] [data-test="save"]').click();
    await table.locator('.el-table__row', { hasText: '浙BC3D45' }).getByText('139****9999').waitFor();
    await table.locator('.el-loading-mask').waitFor({ state: 'hidden' });
    await admin.screenshot({ path: path.join(screenshots, 'outreach-vehicles.png') });

    await admin.locator('[data-test="vehicle-import-open"]').click();
    const chooser = admin.waitForEvent('filechooser');
    await admin.locator('[data-test="vehicle-import-file"]').click();
    await (await chooser).setFiles({ name: 'vehicles.csv', mimeType: 'text/csv', buffer: Buffer.from('车牌号,车主姓名,联系电话\r\n浙B8K765,钱先生,13905748765\r\n浙B123,坏车牌,13905740000\r\n') });
    const errors = admin.locator('[data-test="vehicle-import-errors"]');
    await errors.getByText('车牌号不正确', { exact: false }).waitFor();
    expect(await errors.locator('.el-table__row').count()).toBe(1);
    await admin.screenshot({ path: path.join(screenshots, 'outreach-vehicles-import.png') });
  }, 120_000);
});
