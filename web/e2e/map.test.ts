import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { demoPassword as password, e2eSession, login, screenshots, type E2eSession } from './browser.ts';


describe('town map (一张图)', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  /** Requests that left the platform: with the default (no basemap) there must be none. */
  let outside: string[] = [];

  async function openMap(username: string): Promise<Page> {
    const page = await e2e.newPage();
    outside = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(baseUrl) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await login(page, baseUrl, username, password);
    await page.locator('[data-test="menu-map"]').click();
    await page.locator('[data-test="town-map"][data-status="ready"]').waitFor();
    return page;
  }

  const count = async (page: Page, selector: string) => Number(await page.locator(selector).getAttribute('data-count'));

  it('shows the outlines and records, opens a found record and drills into a village', async () => {
    const page = await openMap('admin');
    const map = page.locator('[data-test="town-map"]');
    expect(await map.getAttribute('data-towns')).toBe('1');
    expect(Number(await map.getAttribute('data-villages'))).toBeGreaterThan(10);
    expect(Number(await map.getAttribute('data-grids'))).toBeGreaterThan(50);
    expect(await count(page, '[data-test="boundary-village"]')).toBe(Number(await map.getAttribute('data-villages')));

    // Every record layer is loaded once and counted in the legend.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test^="layer-"][data-count]')].every((el) => Number(el.getAttribute('data-count')) > 0));
    const houses = await count(page, '[data-test="layer-houses"]');
    const stats = (await (await page.request.get(`${baseUrl}/api/registry/stats?level=town`)).json()) as { items: { counts: { house: number } }[] };
    expect(houses).toBe(stats.items[0]!.counts.house);

    // The admin's county has one town: the map opens on it, with its villages listed.
    await page.locator('[data-test="area-children"]').waitFor();
    await page.locator('[data-test="stat-house"]').getByText(houses.toLocaleString('zh-CN')).waitFor();
    await page.screenshot({ path: path.join(screenshots, 'map-town.png') });

    const toggle = page.locator('[data-test="layer-toggle-houses"]');
    const wasOn = (await toggle.getAttribute('class'))?.includes('is-checked') ?? false;
    await toggle.click();
    await expect.poll(async () => (await toggle.getAttribute('class'))?.includes('is-checked')).toBe(!wasOn);

    // Search by a key place's name; picking the result opens its card.
    const places = (await (await page.request.get(`${baseUrl}/api/registry/places?pageSize=1`)).json()) as { items: { name: string; villageName: string }[] };
    const place = places.items[0]!;
    await page.locator('[data-test="map-search-input"]').fill(place.name);
    await page.locator('[data-test="map-search-hit"]').getByText(place.name, { exact: true }).click();
    await expect.poll(() => page.locator('[data-test="record-title"]').textContent()).toBe(place.name);
    await page.locator('[data-test="record-card"]').getByText(place.villageName, { exact: true }).waitFor();
    await page.locator('[data-test="record-close"]').click();

    // Drill into the first village: its statistics and unit grids replace the town's.
    const village = page.locator('[data-test="area-children"] button').first();
    const code = (await village.getAttribute('data-test'))!.replace('area-child-', '');
    await village.click();
    await page.locator(`[data-test="town-map"][data-selected="${code}"]`).waitFor();
    await page.locator(`[data-test="crumb-${code}"]`).waitFor();
    const villageStats = (await (await page.request.get(`${baseUrl}/api/registry/stats?level=village&divisionCode=${code}`)).json()) as { items: { counts: { person: number } }[] };
    await page.locator('[data-test="stat-person"]').getByText(villageStats.items[0]!.counts.person.toLocaleString('zh-CN')).waitFor();
    expect(await page.locator('[data-test="area-children"] button').count()).toBeGreaterThan(0);
    await page.waitForTimeout(600); // the zoom animation
    await page.screenshot({ path: path.join(screenshots, 'map-village.png') });
    expect(outside).toEqual([]);
    await page.context().close();
  }, 90_000);

  it("opens on a grid worker's grids (two villages), and a grid shows its grid workers", async () => {
    const page = await openMap('grid');
    const me = (await (await page.request.get(`${baseUrl}/api/auth/me`)).json()) as { scopeDivisionCodes: string[] };
    expect(me.scopeDivisionCodes.length).toBeGreaterThan(1);
    // The demo worker's grids lie in two villages: the map opens on the town that holds them, named "my grids".
    const town = me.scopeDivisionCodes[0]!.slice(0, 9);
    expect(await page.locator('[data-test="town-map"]').getAttribute('data-selected')).toBe(town);
    expect(await page.locator('[data-test="area-name"]').textContent()).toBe('我负责的网格');
    const grids = page.locator('[data-test="area-children"] button');
    await grids.first().waitFor();
    const listed = await grids.evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-test')!.replace('area-child-', '')));
    expect(listed.every((code) => me.scopeDivisionCodes.some((root) => code.startsWith(root)))).toBe(true);
    expect(new Set(listed.map((code) => code.slice(0, 12))).size).toBe(2);
    await grids.first().click();
    await page.locator(`[data-test="town-map"][data-selected="${listed[0]}"]`).waitFor();
    await page.locator('[data-test="area-workers"]').waitFor();
    await page.context().close();
  }, 60_000);
});
