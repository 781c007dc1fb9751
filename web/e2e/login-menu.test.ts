import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { demoPassword as password, e2eSession, login, screenshots, type E2eSession } from './browser.ts';

const systemMenu = ['menu-system-users', 'menu-system-roles', 'menu-system-divisions', 'menu-system-organizations', 'menu-system-tokens', 'menu-system-audit', 'menu-system-login-log'];

describe('sign-in and permission-driven menu', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  it('admin sees every system page in the menu', async () => {
    const page = await e2e.newPage();
    await page.goto(`${baseUrl}/login`);
    await page.locator('[data-test="login-form"]').waitFor();
    await page.screenshot({ path: path.join(screenshots, 'login.png') });

    await login(page, baseUrl, 'admin', password);
    await page.locator('[data-test="work-queue"]').waitFor();
    for (const item of systemMenu) expect(await page.locator(`[data-test="${item}"]`).isVisible(), item).toBe(true);
    await page.screenshot({ path: path.join(screenshots, 'home-admin.png') });

    await page.locator('[data-test="menu-system-users"]').click();
    await page.locator('[data-test="users-table"] .el-table__row').first().waitFor();
    await page.screenshot({ path: path.join(screenshots, 'users-admin.png') });
    await page.context().close();
  }, 60_000);

  it('a grid worker sees only the home page', async () => {
    const page = await e2e.newPage();
    await login(page, baseUrl, 'grid', password);
    await page.locator('[data-test="work-queue"]').waitFor();
    expect(await page.locator('[data-test="menu-system"]').count()).toBe(0);
    for (const item of systemMenu) expect(await page.locator(`[data-test="${item}"]`).count(), item).toBe(0);
    await page.screenshot({ path: path.join(screenshots, 'home-grid.png') });

    // The address bar is no way around the menu: the guard shows the 403 page.
    await page.goto(`${baseUrl}/system/users`);
    await page.locator('[data-test="status-403"]').waitFor();
    await page.context().close();
  }, 60_000);
});
