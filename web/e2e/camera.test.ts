import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Page } from 'playwright-core';
import { e2eSession, screenshots, type E2eSession } from './browser.ts';
import { demoCamera } from '../../server/src/demo/demo-video.ts';
import { demoStreetFrame } from '../../server/src/demo/frigate-simulator.ts';

/**
 * The camera page: the demo camera's latest frame (a Dahua parking alarm's evidence, then a frame taken
 * from its stand-in Frigate), its no-parking zone drawn on the image, a new zone drawn, edited and saved
 * on the image (and refused while it has too few points), and the detection with its event.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dahuaStart = fs.readFileSync(path.join(root, 'server/test/fixtures/video/dahua-parking-start.txt'));

describe('camera page', () => {
  let e2e: E2eSession;
  let baseUrl: string;
  let frigate: http.Server;
  let frigateUrl: string;

  beforeAll(async () => {
    e2e = await e2eSession();
    baseUrl = e2e.baseUrl;
    const frame = await demoStreetFrame(true);
    frigate = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'image/jpeg' }).end(frame));
    await new Promise<void>((resolve) => frigate.listen(0, '127.0.0.1', resolve));
    frigateUrl = `http://127.0.0.1:${(frigate.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => frigate?.close(resolve));
    await e2e?.close();
  });

  /** The API as the signed-in page would call it (cookie from the context, CSRF header). */
  async function api(page: Page, method: 'GET' | 'PUT' | 'PATCH' | 'POST', url: string, data?: unknown) {
    const { csrfToken } = (await (await page.request.get(`${baseUrl}/api/auth/me`)).json()) as { csrfToken: string };
    const response = await page.request.fetch(`${baseUrl}${url}`, { method, data, headers: { 'x-csrf-token': csrfToken } });
    expect(response.status(), `${method} ${url}: ${await response.text()}`).toBeLessThan(300);
    return response.json();
  }

  it('shows the frame with its zones, draws and saves a new zone on the image, lists the detection with its event', async () => {
    const page = await e2e.signIn('admin', { height: 960 });

    const { items } = await api(page, 'GET', `/api/devices?type=camera&keyword=${encodeURIComponent(demoCamera.name)}`);
    const id = items[0].id as number;
    await api(page, 'PUT', `/api/video/cameras/${id}`, { sourceName: demoCamera.sourceName, frigateUrl, detectorEnabled: false, detectorIntervalSeconds: 60, detectorSource: null });
    await api(page, 'PATCH', `/api/registry/devices/${id}`, { snapshotUrl: `${frigateUrl}/cgi-bin/snapshot.cgi` });
    const { dahuaPath } = await api(page, 'POST', `/api/video/cameras/${id}/push-token`);
    const pushed = await page.request.post(`${baseUrl}${dahuaPath}`, { data: dahuaStart, headers: { 'content-type': 'text/plain' } });
    expect(await pushed.json()).toEqual({ accepted: 1 });

    await page.goto(`${baseUrl}/devices/${id}/camera`);
    await page.locator('[data-test="camera-header"]').waitFor();
    const detection = page.locator('[data-test="detection"]').first();
    await detection.waitFor();
    await expect.poll(() => detection.getAttribute('data-event')).not.toBe('');
    await expect.poll(() => page.locator('[data-test="detection-event"]').first().textContent()).toMatch(/^330203103-/);

    // The evidence is the latest frame; "take a frame" asks the stand-in Frigate for a newer one.
    const frame = page.locator('[data-test="camera-frame"]');
    await frame.waitFor();
    const before = await frame.getAttribute('src');
    await page.locator('[data-test="take-snapshot"]').click();
    await expect.poll(() => frame.getAttribute('src')).not.toBe(before);
    await expect.poll(() => frame.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1280);

    const editor = page.locator('[data-test="zone-editor"]');
    expect(await editor.getAttribute('data-zones')).toBe('1');
    await page.locator('[data-test="zones-edit"]').click();
    await page.locator('[data-test="zone-add"]').click();

    // Points are given in frame pixels (1280×720) and clicked where they are on screen.
    const box = (await editor.boundingBox())!;
    const at = (x: number, y: number) => ({ x: box.x + (x / 1280) * box.width, y: box.y + (y / 720) * box.height });
    for (const [x, y] of [[40, 420], [420, 420]] as const) await page.mouse.click(at(x, y).x, at(x, y).y);
    await page.locator('[data-test="zones-save"]').click();
    await expect.poll(() => page.locator('[data-test="zone-error"]').textContent()).toMatch(/至少需要 3 个顶点/);

    for (const [x, y] of [[470, 700], [20, 700]] as const) await page.mouse.click(at(x, y).x, at(x, y).y);
    const newZone = page.locator('[data-test="zone"]').nth(1);
    expect(await newZone.getAttribute('data-points')).toBe('4');
    // Drag the second point outwards, then double-click the last one away and put it back elsewhere.
    const handles = newZone.locator('[data-test="zone-point"]');
    await page.mouse.move(at(420, 420).x, at(420, 420).y);
    await page.mouse.down();
    await page.mouse.move(at(500, 410).x, at(500, 410).y, { steps: 5 });
    await page.mouse.up();
    await handles.nth(3).dblclick();
    expect(await newZone.getAttribute('data-points')).toBe('3');
    await page.mouse.click(at(30, 690).x, at(30, 690).y);
    expect(await newZone.getAttribute('data-points')).toBe('4');

    const row = page.locator('[data-test="zone-row"]').nth(1);
    await row.locator('input').first().fill('薛家路人行道禁摆区');
    await row.locator('.el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: '禁摆区（占道经营）' }).click();
    await page.locator('[data-test="zones-save"]').click();
    await page.locator('[data-test="zones-edit"]').waitFor();

    const saved = await api(page, 'GET', `/api/video/cameras/${id}`);
    expect(saved.zones.map((z: { name: string; zoneType: string }) => [z.name, z.zoneType])).toEqual([
      ['薛家路口禁停区', 'no_parking'],
      ['薛家路人行道禁摆区', 'no_stall'],
    ]);
    const drawn = saved.zones[1] as { polygon: [number, number][]; imageWidth: number; imageHeight: number };
    expect(drawn).toMatchObject({ imageWidth: 1280, imageHeight: 720 });
    expect(drawn.polygon).toHaveLength(4);
    expect(Math.abs(drawn.polygon[1]![0] - 500)).toBeLessThan(8);
    for (const [x, y] of drawn.polygon) expect(x >= 0 && x <= 1280 && y >= 0 && y <= 720).toBe(true);

    await page.locator('[data-test="detection"] img').first().evaluate((img: HTMLImageElement) => img.decode());
    await page.screenshot({ path: path.join(screenshots, 'camera-zones.png'), fullPage: true });
    await page.context().close();
  });
});
