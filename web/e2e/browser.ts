import { chromium, type Browser, type Page } from 'playwright-core';

/** Headless Chromium from the system package; playwright-core ships no browser of its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
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
