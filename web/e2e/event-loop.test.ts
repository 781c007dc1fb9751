import path from 'node:path';
import sharp from 'sharp';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';

/**
 * One resident report through the whole closed loop, each step by the role that does it in the demo
 * town: the resident (H5 page, phone size) → command (accept, register, dispatch to the suggested unit)
 * → dept (sign, submit with an "after" photo) → command (send to check) → grid (check passes) →
 * command (close) → the resident's progress page shows 结案.
 */
/** Inside 薛家村第1网格 (33020310320101), the demo grid worker's own grid: the demo outlines are deterministic. */
const spot = { latitude: 29.897, longitude: 121.4216 };
/** 非法小广告: the demo routing rules send 宣传广告 to 古林综合行政执法队 (GL-ENF), where `dept` works. */
const category = { major: 'event:宣传广告', code: 'E0201' };
const enforcementSquad = '古林综合行政执法队';

/** A street-scene photo: grey pavement, with leaflets stuck on a pole before and without them after. */
function photo(withLeaflets: boolean): Promise<Buffer> {
  const leaflets = withLeaflets
    ? '<rect x="150" y="60" width="34" height="44" fill="#f4e04d"/><rect x="152" y="112" width="30" height="40" fill="#ffffff"/><rect x="148" y="160" width="36" height="30" fill="#e8554e"/>'
    : '';
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240"><rect width="320" height="240" fill="#9aa3ad"/><rect y="190" width="320" height="50" fill="#6d747c"/><rect x="158" y="20" width="18" height="190" fill="#4a5058"/>${leaflets}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('the event loop, from a resident report to closure', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession({ geolocation: spot });
    baseUrl = e2e.baseUrl;
  }, 120_000);

  afterAll(() => e2e?.close());

  /** Finds the event through the queue page's search, as a person would, and opens it. */
  async function openEvent(page: Page, code: string) {
    await page.goto(`${baseUrl}/events?queue=all`);
    await page.locator('[data-test="events-keyword"]').fill(code);
    await page.locator('[data-test="events-keyword"]').press('Enter');
    await page.locator('[data-test="events-table"] .el-table__row', { hasText: code }).click();
    await page.locator('[data-test="event-header"]').waitFor();
  }

  /** Clicks an action button, fills the dialog, confirms and waits for the new state. */
  async function act(page: Page, action: string, state: string, fill?: (dialog: ReturnType<Page['locator']>) => Promise<void>) {
    await page.locator(`[data-test="event-actions"] [data-test="action-${action}"]`).click();
    const dialog = page.locator('.el-dialog[data-test="action-dialog"]');
    await dialog.waitFor();
    await fill?.(dialog);
    await dialog.locator('[data-test="action-confirm"]:not([disabled])').click();
    await page.locator('[data-test="event-state"]', { hasText: state }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
  }

  it('walks one public report through every role to 结案', async () => {
    // ---- the resident, on a phone
    const phone = await e2e.newPage({ phone: true });
    await phone.goto(`${baseUrl}/h5/report`);
    await phone.locator(`[data-test="h5-major-${category.major}"]`).click();
    await phone.locator(`[data-test="h5-category-${category.code}"]`).click();
    await phone.locator('[data-test="h5-category-chosen"]').waitFor();
    await phone.locator('[data-test="h5-description"] textarea').fill('村口电线杆上贴满了小广告，已经好几天了');
    await phone.locator('[data-test="h5-photos"] input[type="file"]').setInputFiles({ name: 'before.png', mimeType: 'image/png', buffer: await photo(true) });
    await phone.locator('[data-test="h5-photos"] .van-uploader__preview').waitFor();
    await phone.locator('[data-test="h5-locate"]').click();
    await phone.locator('[data-test="h5-located"]').waitFor();
    await phone.locator('[data-test="h5-submit"]:not([disabled])').waitFor();
    await phone.evaluate(() => window.scrollTo(0, 0));
    await phone.screenshot({ path: path.join(screenshots, 'h5-report.png') });
    await phone.locator('[data-test="h5-submit"]').click();
    const code = (await phone.locator('[data-test="h5-code"]').textContent())!.trim();
    expect(code).toMatch(/^\d{9}-\d{8}-\d{5}$/);
    await phone.locator('[data-test="h5-follow"]').click();
    await phone.locator('[data-test="h5-stage"]', { hasText: '上报' }).waitFor();
    const trackUrl = phone.url();
    expect(trackUrl).toContain('token=');

    // ---- the command center: it is waiting in 待受理
    const command = await e2e.signIn('command');
    await command.goto(`${baseUrl}/events?queue=accept`);
    await command.locator('[data-test="events-table"] .el-table__row', { hasText: code }).waitFor();
    await command.screenshot({ path: path.join(screenshots, 'event-queue.png') });
    await openEvent(command, code);
    expect(await command.locator('[data-test="event-photos"] .el-image').count()).toBe(1);
    await act(command, 'accept', '待立案');
    await act(command, 'register', '待派遣');
    await act(command, 'dispatch', '待签收', async (dialog) => {
      // The routing rules' best unit is offered first and chosen already.
      const best = dialog.locator('[data-test="suggestion-0"]');
      expect(await best.textContent()).toContain(enforcementSquad);
      expect(await best.locator('input').isChecked()).toBe(true);
    });

    // ---- the enforcement squad signs and handles it
    const dept = await e2e.signIn('dept');
    await openEvent(dept, code);
    await act(dept, 'sign', '处置中');
    await act(dept, 'submit', '已处置', async (dialog) => {
      await dialog.locator('[data-test="action-note"]').fill('已清除电线杆上的小广告，并告知周边商户');
      await dialog.locator('[data-test="photo-picker"] input[type="file"]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: await photo(false) });
      await dialog.locator('.el-upload-list__item.is-success').waitFor();
    });

    // ---- the command center sends it to be checked; the grid worker checks on the spot
    await command.reload();
    await command.locator('[data-test="event-state"]', { hasText: '已处置' }).waitFor();
    await act(command, 'request_check', '核查中');
    const grid = await e2e.signIn('grid');
    await openEvent(grid, code);
    await act(grid, 'check_pass', '待结案', (dialog) => dialog.locator('[data-test="action-note"]').fill('现场核查，小广告已清除干净'));

    // ---- and the command center closes it
    const closer = await e2e.signIn('command', { height: 1500 });
    await openEvent(closer, code);
    await act(closer, 'close', '已结案');
    expect(await closer.locator('[data-test="event-photos"] .el-image').count()).toBe(2);
    expect(await closer.locator('[data-test="event-timeline"] .el-timeline-item').count()).toBe(9);
    await closer.screenshot({ path: path.join(screenshots, 'event-detail.png') });

    // ---- the resident sees it closed
    await phone.goto(trackUrl);
    await phone.locator('[data-test="h5-stage"]', { hasText: '结案' }).waitFor();
    await phone.screenshot({ path: path.join(screenshots, 'h5-track.png') });
  }, 180_000);
});
