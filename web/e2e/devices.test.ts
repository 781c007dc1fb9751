import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';

/**
 * The demo sensors report a day of telemetry over the HTTP device API (the path MQTT messages share),
 * some of it over their thresholds; the command center finds the gas detector in the device list, reads
 * its chart, rules and alarm on the device page, then acknowledges and clears alarms in the console.
 */
const tokens = { gas: 'demo-gas-xuejia-01', smoke: 'demo-smoke-xuejia-01', manhole: 'demo-manhole-xuejia-01', hydrant: 'demo-hydrant-xuejia-01' };

describe('devices, telemetry and alarms in the browser', () => {
  let e2e: E2eSession;
  let baseUrl: string;

  async function send(token: string, body: unknown) {
    const response = await fetch(`${baseUrl}/api/v1/${token}/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status, await response.clone().text()).toBe(200);
  }

  /** A day of readings every 10 minutes (one message), then the present reading. */
  async function day(token: string, values: (i: number) => Record<string, number>) {
    const now = Date.now();
    await send(token, Array.from({ length: 144 }, (_, i) => ({ ts: now - (144 - i) * 600_000, values: values(i) })));
  }

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
    const wave = (i: number, base: number, amplitude: number) => Number((base + amplitude * Math.sin(i / 9) + ((i * 7) % 5) * 0.2).toFixed(2));
    await day(tokens.gas, (i) => ({ gas_lel: i > 100 && i < 110 ? 18 + i - 100 : wave(i, 4, 2), battery: 92 - Math.floor(i / 40) }));
    await send(tokens.gas, { gas_lel: 31.5, battery: 88 });
    await day(tokens.hydrant, (i) => ({ pressure_mpa: wave(i, 0.3, 0.02) }));
    await send(tokens.smoke, { smoke: 1, battery: 15 });
    await send(tokens.smoke, { smoke: 1, battery: 14 });
    await send(tokens.manhole, { tilt: 24, open: 0 });
    await send(tokens.manhole, { tilt: 25, open: 0 });
    // The intake writes in batches of a fifth of a second; events follow the batch.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }, 180_000);

  afterAll(() => e2e?.close());

  const signIn = (username: string, height = 900) => e2e.signIn(username, { height });

  it('finds the alarmed gas detector in the list and shows its chart, rules and alarm on its page', async () => {
    const page = await signIn('command', 1500);
    await page.locator('[data-test="menu-devices"]').click();
    await page.locator('[data-test="devices-table"] .el-table__row').first().waitFor();
    // Devices in alarm come first, most severe first: the smoke detector's fire alarm leads.
    await expect.poll(() => page.locator('[data-test="devices-table"] .el-table__row').first().textContent()).toContain('烟感');
    await page.locator('[data-test="devices-keyword"]').fill('可燃气体');
    await page.locator('[data-test="devices-keyword"]').press('Enter');
    const row = page.locator('[data-test="devices-table"] .el-table__row', { hasText: '薛家村饭店可燃气体探测器' });
    await row.waitFor();
    expect(await row.locator('[data-severity="major"]').count()).toBe(1);
    expect(await row.textContent()).toContain('在线');
    await row.click();

    await page.locator('[data-test="device-name"]', { hasText: '薛家村饭店可燃气体探测器' }).waitFor();
    await page.locator('[data-test="telemetry-chart"] canvas').first().waitFor();
    expect(await page.locator('[data-test="latest-readings"]').textContent()).toContain('31.5');
    expect(await page.locator('[data-test="device-rule"]').first().textContent()).toContain('可燃气体浓度超限');
    const alarm = page.locator('[data-test="alarm-table"] .el-table__row').first();
    expect(await alarm.textContent()).toContain('gas_lel = 31.5');
    expect(await alarm.locator('[data-test="alarm-event"]').textContent()).toMatch(/^\d{9}-\d{8}-\d{5}$/);
    // Let ECharts finish drawing before the picture.
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(screenshots, 'device-page.png'), fullPage: true });

    // The 7-day range reads the same readings.
    await page.locator('[data-test="chart-range"] label', { hasText: '7 天' }).click();
    await page.locator('[data-test="telemetry-chart"] canvas').first().waitFor();
  });

  it('acknowledges and clears alarms in the console, and the event link opens the case', async () => {
    const page = await signIn('command');
    await page.locator('[data-test="menu-alarms"]').click();
    const table = page.locator('[data-test="alarm-table"]');
    await table.locator('.el-table__row').first().waitFor();
    expect(await page.locator('[data-test="alarm-card-critical"]').textContent()).toContain('1');
    const gas = table.locator('.el-table__row', { hasText: '可燃气体浓度超限' });
    await gas.locator('[data-test="alarm-ack"]').click();
    await gas.locator('.el-tag', { hasText: '已确认' }).waitFor();

    const tilt = table.locator('.el-table__row', { hasText: '井盖倾斜' });
    await tilt.locator('[data-test="alarm-clear"]').click();
    await page.locator('.el-message-box input').fill('已派人复位井盖');
    await page.locator('.el-message-box .el-button--primary').click();
    await expect.poll(() => table.locator('.el-table__row', { hasText: '井盖倾斜' }).count()).toBe(0);
    await page.locator('[data-test="alarm-card-critical"]').hover();
    await page.screenshot({ path: path.join(screenshots, 'alarm-console.png') });

    await gas.locator('[data-test="alarm-event"]').click();
    await page.locator('[data-test="event-header"]').waitFor();
    expect(await page.locator('[data-test="event-header"]').textContent()).toContain('可燃气体浓度超限');
  });
});
