import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';

/**
 * The command-room dashboard on a 1920×1080 screen: the command center opens it from the menu, a
 * hotline report made through the API appears in the live feed within two seconds and the counters
 * follow; then the screen drills into the event's village and back up to the town.
 */
/** Inside 薛家村第1网格 (33020310320101): the demo outlines are deterministic. */
const spot = { lng: 121.4216, lat: 29.897 };
const town = '330203103';
const village = '330203103201';

describe('command-room dashboard', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  const number = async (page: Page, selector: string) => Number((await page.locator(`${selector} strong`).textContent())!.replace(/,/g, ''));

  it('shows a new report live, then drills into its village and back', async () => {
    const page = await e2e.signIn('command', { width: 1920, height: 1080 });
    await page.locator('[data-test="menu-dashboard"]').click();
    const dashboard = page.locator('[data-test="dashboard"]');
    await page.locator(`[data-test="dashboard"][data-status="ready"][data-division="${town}"][data-live="true"]`).waitFor();
    expect(await page.locator('h1').textContent()).toBe('古林镇综合信息指挥室');
    await page.locator('[data-test="dashboard-map"]').waitFor();
    const reportedBefore = await number(page, '[data-test="kpi-reportedToday"]');

    // ---- a report through the API, as the hotline desk's system would send it
    const { csrfToken } = (await (await page.request.get(`${baseUrl}/api/auth/me`)).json()) as { csrfToken: string };
    const reportedAt = Date.now();
    const response = await page.request.post(`${baseUrl}/api/events`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { source: 'hotline', categoryCode: 'E0505', title: '大屏测试：小区门口机动车乱停放', description: '市民来电：小区门口机动车乱停放，堵住消防通道', location: spot },
    });
    expect(response.status()).toBe(201);
    const { event } = (await response.json()) as { event: { code: string } };
    const row = page.locator(`[data-test="dashboard-feed"] [data-test="feed-${event.code}"]`);
    await row.waitFor({ timeout: Math.max(1, 2000 - (Date.now() - reportedAt)) });
    expect(Date.now() - reportedAt).toBeLessThan(2000);
    expect(await row.textContent()).toContain('大屏测试：小区门口机动车乱停放');
    expect(await row.getAttribute('class')).toContain('fresh');
    // The counters follow within the snapshot's refresh interval.
    await page.waitForFunction(
      ([selector, before]) => Number(document.querySelector(selector)?.textContent?.replace(/,/g, '')) > before,
      ['[data-test="kpi-reportedToday"] strong', reportedBefore] as const,
      { timeout: 8000 },
    );
    await page.waitForTimeout(600); // the map's heat and the charts' animations settle
    await page.screenshot({ path: path.join(screenshots, 'dashboard.png') });

    // ---- into the village from the ranking, then back up with the breadcrumb's button
    await page.locator(`[data-test="rank-${village}"]`).press('Enter');
    await page.locator(`[data-test="dashboard"][data-status="ready"][data-division="${village}"]`).waitFor();
    expect(await page.locator('[data-test="dashboard-crumbs"]').textContent()).toContain('薛家村');
    expect(page.url()).toContain(`division=${village}`);
    await row.waitFor();
    await page.waitForTimeout(900);
    await page.screenshot({ path: path.join(screenshots, 'dashboard-village.png') });

    await page.locator('[data-test="dashboard-up"]').click();
    await page.locator(`[data-test="dashboard"][data-status="ready"][data-division="${town}"]`).waitFor();
    expect(await dashboard.getAttribute('data-live')).toBe('true');
    await page.context().close();
  }, 120_000);
});
