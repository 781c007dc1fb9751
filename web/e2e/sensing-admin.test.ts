import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';
import { demoCamera } from '../../server/src/demo/demo-video.ts';

/**
 * The administrator edits the sensing rules: the combustible-gas alarm rule (a clear condition that
 * overlaps a level is refused under the field, then a lower level is saved and shown in words), one
 * detector's own threshold on its device page, the dwell time of a video-AI rule, and the NVR channel
 * of a camera.
 */
describe('sensing rules in the browser', () => {
  let e2e: E2eSession;

  beforeAll(async () => {
    e2e = await e2eSession();
  }, 180_000);

  afterAll(() => e2e?.close());

  const signIn = (username: string, height = 900) => e2e.signIn(username, { height });

  /** Types a number into an Element Plus number input and commits it. */
  async function setNumber(page: Page, selector: string, value: number) {
    const input = page.locator(selector).locator('input');
    await input.fill(String(value));
    await input.press('Tab');
  }

  it('edits the combustible-gas alarm rule: an overlapping clear condition is refused under the field, the new level is shown in words', async () => {
    const page = await signIn('admin', 1300);
    await page.locator('[data-test="menu-alarm-rules"]').click();
    const table = page.locator('[data-test="alarm-rules-table"]');
    const gas = table.locator('.el-table__row', { hasText: '可燃气体浓度超限' });
    await gas.waitFor();
    expect(await gas.textContent()).toContain('≥ 25 %LEL');
    expect(await gas.textContent()).toContain('< 20 %LEL 时恢复');
    expect(await gas.textContent()).toContain('可燃气体泄漏');
    await page.screenshot({ path: path.join(screenshots, 'alarm-rules.png'), fullPage: true });

    await gas.locator('[data-test="rule-edit"]').click();
    const dialog = page.locator('[data-test="alarm-rule-dialog"]');
    await dialog.locator('[data-test="rule-level"]').first().waitFor();
    // Levels: critical ≥ 50, major ≥ 25. Lower the major level to 20 with a clear at 22: they overlap.
    await setNumber(page, '[data-test="alarm-rule-dialog"] [data-test="rule-level"]:nth-child(2) [data-test="condition-value"]', 20);
    await setNumber(page, '[data-test="alarm-rule-dialog"] [data-test="rule-clear"] [data-test="condition-value"]', 22);
    await dialog.locator('[data-test="save"]').click();
    await dialog.locator('.el-form-item__error', { hasText: '清除条件' }).waitFor();
    await dialog.screenshot({ path: path.join(screenshots, 'alarm-rule-dialog-error.png') });

    await setNumber(page, '[data-test="alarm-rule-dialog"] [data-test="rule-clear"] [data-test="condition-value"]', 15);
    await dialog.locator('[data-test="save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => gas.textContent()).toContain('≥ 20 %LEL');
    expect(await gas.textContent()).toContain('< 15 %LEL 时恢复');
  });

  it("sets one gas detector's own threshold on its device page", async () => {
    const page = await signIn('admin', 1300);
    await page.locator('[data-test="menu-devices"]').click();
    await page.locator('[data-test="devices-keyword"]').fill('可燃气体');
    await page.locator('[data-test="devices-keyword"]').press('Enter');
    await page.locator('[data-test="devices-table"] .el-table__row', { hasText: '薛家村饭店可燃气体探测器' }).click();
    const rule = page.locator('[data-test="device-rule"]', { hasText: '可燃气体浓度超限' });
    await rule.waitFor();
    await rule.locator('[data-test="override-edit"]').click();
    const dialog = page.locator('[data-test="override-dialog"]');
    await dialog.locator('[data-test="rule-level"]').first().waitFor();
    await setNumber(page, '[data-test="override-dialog"] [data-test="rule-level"]:nth-child(2) [data-test="condition-value"]', 12);
    await setNumber(page, '[data-test="override-dialog"] [data-test="override-clear"] [data-test="condition-value"]', 10);
    await dialog.screenshot({ path: path.join(screenshots, 'device-override-dialog.png') });
    await dialog.locator('[data-test="save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => rule.textContent()).toContain('本设备阈值');
    expect(await rule.textContent()).toContain('>= 12');
  });

  it('changes the dwell time of a video-AI rule and sees reminder-first categories with their grace period', async () => {
    const page = await signIn('admin');
    await page.locator('[data-test="menu-video-rules"]').click();
    const table = page.locator('[data-test="video-rules-table"]');
    const bikes = table.locator('.el-table__row', { hasText: '非机动车禁停区乱停' });
    await bikes.waitFor();
    expect(await bikes.textContent()).toContain('10 分钟');
    const parking = table.locator('.el-table__row', { hasText: '机动车禁停区违停' });
    expect(await parking.textContent()).toContain('先提醒');
    expect(await parking.textContent()).toContain('宽限 10 分钟');
    expect(await table.locator('.el-table__row', { hasText: '暴露垃圾' }).textContent()).toContain('直接立案');

    await bikes.locator('[data-test="rule-edit"]').click();
    const dialog = page.locator('[data-test="video-rule-dialog"]');
    await dialog.locator('[data-test="video-rule-name"]').waitFor();
    await setNumber(page, '[data-test="video-rule-dwell"]', 5);
    await dialog.screenshot({ path: path.join(screenshots, 'video-rule-dialog.png') });
    await dialog.locator('[data-test="save"]').click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => bikes.textContent()).toContain('5 分钟');
    await page.locator('.el-message').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(screenshots, 'video-rules.png'), fullPage: true });
  });

  it("registers a camera with its NVR's channel in the camera settings", async () => {
    const page = await signIn('admin', 1100);
    await page.locator('[data-test="menu-devices"]').click();
    await page.locator('[data-test="devices-keyword"]').fill(demoCamera.name);
    await page.locator('[data-test="devices-keyword"]').press('Enter');
    await page.locator('[data-test="devices-table"] .el-table__row', { hasText: demoCamera.name }).click();
    await page.locator('[data-test="camera-view"]').click();
    const settings = page.locator('[data-test="camera-settings"]');
    await settings.waitFor();
    await setNumber(page, '[data-test="settings-nvr-channel"]', 3);
    await settings.locator('[data-test="settings-save"]').click();
    await page.locator('.el-message', { hasText: '设置已保存' }).waitFor();
    await page.locator('.el-message').waitFor({ state: 'detached' });
    await page.reload();
    await settings.waitFor();
    expect(await page.locator('[data-test="settings-nvr-channel"] input').inputValue()).toBe('3');
    await settings.screenshot({ path: path.join(screenshots, 'camera-nvr-settings.png') });
  });
});
