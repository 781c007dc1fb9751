import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Where the browser tests leave their screenshots, to be looked at: `screenshots/` at the repository root. */
export const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../screenshots');

/** The password of every account in the demo town. */
export const demoPassword = 'Gongzhi@2026';

/** Headless Chromium from the system package; playwright-core ships no browser of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Opens a page from an item inside a menu group, as a person would: opens the group if the item is
 * hidden, clicks the item and waits for the address. A click while the group is still unfolding is
 * sometimes lost (seen about one run in three), so the item is clicked again then.
 */
export async function openFromMenu(page: Page, group: string, item: string, address: RegExp): Promise<void> {
  const entry = page.locator(`[data-test="${item}"]`);
  for (let attempt = 1; ; attempt++) {
    if (!(await entry.isVisible())) await page.locator(`[data-test="${group}"]`).click();
    await entry.click();
    try {
      await page.waitForURL(address, { timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}

/** Signs in through the real login form and waits for the signed-in layout. */
export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('[data-test="login-username"]').fill(username);
  await page.locator('[data-test="login-password"]').fill(password);
  await page.locator('[data-test="login-submit"]').click();
  await page.locator('[data-test="menu-home"]').waitFor({ state: 'visible' });
}

/** The server under test: `GONGZHI_E2E_URL` when set, otherwise a fresh test server with the demo town. */
export async function e2eServer(options: { supervision?: boolean } = {}): Promise<{ url: string; close(): Promise<void> }> {
  if (process.env.GONGZHI_E2E_URL) return { url: process.env.GONGZHI_E2E_URL.replace(/\/$/, ''), close: async () => {} };
  const { startTestServer } = await import('../../server/test/e2e-server.ts');
  const server = await startTestServer(options);
  return { url: server.url.replace(/\/$/, ''), close: () => server.close() };
}

export interface PageOptions {
  /** A phone (390×844, touch, 2× pixels) instead of a 1440-wide desktop. */
  phone?: boolean;
  width?: number;
  height?: number;
  acceptDownloads?: boolean;
}

/**
 * One server and one headless browser for a test file. Each page gets its own context (its own
 * cookies, so several people can be signed in at once), in Chinese and Shanghai time, standing at
 * `geolocation` when given; `close` ends
 * the browser (and with it every page) and the server.
 */
export async function e2eSession({ supervision, geolocation }: { supervision?: boolean; geolocation?: { latitude: number; longitude: number } } = {}) {
  fs.mkdirSync(screenshots, { recursive: true });
  const server = await e2eServer({ supervision });
  const browser = await launchBrowser();

  async function newPage({ phone, width = 1440, height = 900, acceptDownloads }: PageOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: phone ? { width: 390, height: 844 } : { width, height },
      deviceScaleFactor: phone ? 2 : 1,
      isMobile: phone,
      hasTouch: phone,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      acceptDownloads,
      ...(geolocation ? { geolocation: { ...geolocation, accuracy: 12 }, permissions: ['geolocation'] } : {}),
    });
    return context.newPage();
  }

  /** A new page signed in as one of the demo accounts. */
  async function signIn(username: string, pageOptions: PageOptions = {}): Promise<Page> {
    const page = await newPage(pageOptions);
    await login(page, server.url, username, demoPassword);
    return page;
  }

  async function close() {
    await browser.close();
    await server.close();
  }

  return { baseUrl: server.url, browser, newPage, signIn, close };
}

export type E2eSession = Awaited<ReturnType<typeof e2eSession>>;
