import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';

/**
 * The town leader evaluates the demo town: this quarter by village, a number opened to its cases
 * (the list's total is the number), a rate opened to its numerator and denominator, one village
 * down to its grids, the units' tab, the XLSX export and the English page. Saves
 * screenshots/evaluation.png (and the cases dialog and the English page beside it).
 */

describe('the evaluation page', () => {
  let e2e: E2eSession;
  let page: Page;

  beforeAll(async () => {
    e2e = await e2eSession();
    page = await e2e.signIn('leader', { height: 1000, acceptDownloads: true });
  }, 120_000);

  afterAll(() => e2e?.close());

  const table = () => page.locator('[data-test="evaluation-table"]');
  const dialog = () => page.locator('.evaluation-cases');
  const settled = () => page.locator('[data-test="evaluation-table"] .el-loading-mask').waitFor({ state: 'hidden' });

  it('shows this quarter of the town by village, every number opening its cases', async () => {
    await page.locator('[data-test="menu-event-evaluation"]').click();
    await table().waitFor({ state: 'visible' });
    await page.locator('[data-test="evaluation-presets"]').getByText('本季度').click();
    await settled();
    await expect.poll(() => table().locator('tbody tr').count()).toBeGreaterThan(30);
    await expect.poll(() => page.locator('[data-test="evaluation-trail"]').innerText()).toContain('古林镇');

    const reports = page.locator('[data-test="cell-total-reports"]');
    const shown = Number((await reports.innerText()).replace(/,/g, ''));
    expect(shown).toBeGreaterThan(0);
    await page.locator('[data-test="evaluation-cards"]').waitFor({ state: 'visible' });
    await page.screenshot({ path: path.join(screenshots, 'evaluation.png'), fullPage: true });

    await reports.click();
    await dialog().waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('[data-test="evaluation-cases-total"]').innerText()).toBe(`共 ${shown} 件`);
    await expect.poll(() => dialog().locator('tbody tr').count()).toBe(Math.min(shown, 20));
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'hidden' });

    // A rate opens its numerator and its denominator.
    const closeRate = page.locator('[data-test="cell-total-close_rate"]');
    if (await closeRate.count()) {
      const closed = (await page.locator('[data-test="cell-total-closed"]').innerText()).replace(/,/g, '');
      await closeRate.click();
      await dialog().waitFor({ state: 'visible' });
      await expect.poll(() => dialog().locator('.el-tabs__item').allInnerTexts()).toEqual([expect.stringContaining(`分子：结案数（${closed}）`), expect.stringContaining('分母：应结案数')]);
      await expect.poll(() => page.locator('[data-test="evaluation-cases-total"]').innerText()).toBe(`共 ${closed} 件`);
      await page.screenshot({ path: path.join(screenshots, 'evaluation-cases.png') });
      await page.keyboard.press('Escape');
      await dialog().waitFor({ state: 'hidden' });
    }
  });

  it('goes down to the grids of a village and back', async () => {
    await table().locator('.descend').first().click();
    await settled();
    await expect.poll(() => page.locator('[data-test="evaluation-trail"] .crumb').count()).toBe(1);
    await expect.poll(() => table().locator('tbody tr').first().innerText()).toContain('网格');
    await page.locator('[data-test="evaluation-trail"] .crumb').click();
    await settled();
    await expect.poll(() => table().locator('tbody tr').count()).toBeGreaterThan(30);
  });

  it('evaluates units and exports the table', async () => {
    await page.locator('[data-test="evaluation-objects"]').getByText('部门评价').click();
    await settled();
    await expect.poll(() => table().locator('thead').innerText()).toContain('处置单位');
    const download = page.waitForEvent('download');
    await page.locator('[data-test="evaluation-export"]').click();
    expect((await download).suggestedFilename()).toMatch(/^综合评价-古林镇-\d{4}-\d{2}-01_\d{4}-\d{2}-01\.xlsx$/);
  });

  it('speaks English', async () => {
    await page.evaluate(() => localStorage.setItem('gongzhi.locale', 'en'));
    await page.reload();
    await settled();
    await expect.poll(() => table().locator('thead').innerText()).toContain('Closure rate');
    await expect.poll(() => page.locator('[data-test="evaluation-objects"]').innerText()).toContain('Units');
    await page.screenshot({ path: path.join(screenshots, 'evaluation-en.png') });
  });
});
