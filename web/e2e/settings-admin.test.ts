import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, openFromMenu, screenshots, type E2eSession } from './browser.ts';

/**
 * The county admin's configuration pages: an Open311 service attribute edited (a refused option
 * list first, shown under the field), and the supervision rules on the work-calendar page (a
 * refused reply limit first, then saved).
 */
describe('Open311 and supervision settings in the browser', () => {
  let e2e: E2eSession;
  let page: Page;

  beforeAll(async () => {
    e2e = await e2eSession();
    page = await e2e.signIn('admin', { height: 1000 });
  }, 120_000);

  afterAll(() => e2e?.close());

  /** Toasts fade after a few seconds; screenshots wait for them. */
  const quietToasts = () => page.locator('.el-message').first().waitFor({ state: 'detached', timeout: 10_000 });

  /** What the server now holds, read with the browser's own session. */
  const get = (url: string) => page.evaluate(async (u) => (await fetch(u)).json(), url);

  it('edits an Open311 attribute, showing the refused option under the field', async () => {
    await openFromMenu(page, 'menu-eventConfig', 'menu-event-config-open311', /\/event-config\/open311$/);
    const services = page.locator('[data-test="open311-services"]');
    await services.locator('.el-table__row').first().waitFor();
    await services.locator('.el-table__row', { hasText: 'E0505' }).click();
    const attributes = page.locator('[data-test="open311-attributes"]');
    await attributes.locator('.el-table__row', { hasText: 'blocking' }).waitFor();

    await page.locator('[data-test="attribute-edit-blocking"]').click();
    const dialog = page.locator('.el-dialog[data-test="attribute-dialog"]');
    await dialog.waitFor();
    await dialog.locator('[data-test="attribute-add-option"]').click();
    const added = dialog.locator('[data-test="attribute-option"]').last().locator('input');
    await added.nth(0).fill('sidewalk');
    await added.nth(1).fill('盲道');
    await dialog.locator('[data-test="save"]').click();
    await dialog.locator('.el-form-item__error', { hasText: 'sidewalk' }).waitFor();
    await dialog.screenshot({ path: path.join(screenshots, 'open311-attribute-error.png') });

    await added.nth(0).fill('tactile');
    await added.nth(2).fill('Tactile paving');
    await dialog.locator('[data-test="attribute-description"]').fill('车辆堵塞了什么');
    await dialog.locator('[data-test="save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await attributes.locator('.el-table__row', { hasText: '车辆堵塞了什么' }).waitFor();
    await quietToasts();
    await page.screenshot({ path: path.join(screenshots, 'open311-admin.png') });
    await page.locator('[data-test="open311-token-command"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, 'open311-keys.png') });

    const definition = await get('/open311/v2/services/E0505.json');
    const blocking = definition.attributes.find((a: { code: string }) => a.code === 'blocking');
    expect(blocking.description).toBe('车辆堵塞了什么');
    expect(blocking.values.map((v: { key: string }) => v.key)).toEqual(['fire_lane', 'sidewalk', 'entrance', 'none', 'tactile']);
  }, 120_000);

  it('edits the supervision rules on the work-calendar page', async () => {
    await page.locator('[data-test="menu-event-config-calendar"]').click();
    await page.locator('[data-test="remind-at"]').first().waitFor();
    // Element Plus puts the attribute on the inner <input> of a number field.
    const number = (name: string) => page.locator(`input[data-test="${name}"], [data-test="${name}"] input`);
    const value = number('superviseReplyLimit-value');
    await value.fill('1.5');
    await number('remind-at').fill('70');
    const save = page.locator('.gz-toolbar', { hasText: '工作时间与环节时限' }).locator('button', { hasText: '保存' });
    await save.click();
    await page.locator('.el-form-item__error', { hasText: '整数天' }).waitFor();
    expect((await get('/api/event-config/settings')).supervision.remindAtPercent).toBe(80);
    await page.locator('.el-form-item__error', { hasText: '整数天' }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, 'supervision-rules-error.png') });

    await value.fill('2');
    await save.click();
    await page.locator('.el-message--success').waitFor();
    await page.locator('.el-form-item__error').waitFor({ state: 'detached' });
    expect((await get('/api/event-config/settings')).supervision).toEqual({ remindAtPercent: 70, superviseReplyLimit: { value: 2, unit: 'work_day' }, listedReplyLimit: { value: 3, unit: 'work_day' } });
    await quietToasts();
    await page.locator('[data-test="remind-at"]').first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(screenshots, 'supervision-rules.png') });
  }, 120_000);
});
