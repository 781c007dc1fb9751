import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { detectionsOf, fixturesDir, newCamera } from './test-support.ts';

/**
 * An NVR pushes the events of all its channels to one push URL: cameras registered with a channel of
 * that URL get the detections of their channel; a channel without a camera is refused and recorded.
 */
const fixture = (name: string) => fs.readFileSync(path.join(fixturesDir, name), 'utf8');
/** The Hikvision fixture as an NVR sends it: the IP channel in dynChannelID. */
const hikvisionOnChannel = (channel: number) => fixture('hikvision-fielddetection.xml').replace('<channelID>1</channelID>', `<channelID>${32 + channel}</channelID><dynChannelID>${channel}</dynChannelID>`);
const dahuaOnIndex = (index: number) => fixture('dahua-parking-start.txt').replace('index=0', `index=${index}`);

describe('NVR channels on one push URL', () => {
  let t: TestApp;
  let admin: Session;
  let nvr: number;
  let second: number;
  let third: number;
  let paths: { hikvisionPath: string; dahuaPath: string };

  const settings = (sourceName: string, extra: Record<string, unknown>) => ({ sourceName, frigateUrl: null, detectorEnabled: false, detectorIntervalSeconds: 60, detectorSource: null, ...extra });
  const put = (id: number, sourceName: string, extra: Record<string, unknown>) => t.as(admin, { method: 'PUT', url: `/api/video/cameras/${id}`, payload: settings(sourceName, extra) });
  const settled = async (id: number) => {
    await t.app.videoIntake.settled();
    return detectionsOf(t, id);
  };

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    nvr = await newCamera(t, admin, { sourceName: 'nvr_ch1' });
    second = await newCamera(t, admin, { sourceName: 'nvr_ch2' });
    third = await newCamera(t, admin, { sourceName: 'nvr_ch3' });
    paths = (await t.as(admin, { method: 'POST', url: `/api/video/cameras/${nvr}/push-token` })).json();
  });
  afterAll(() => t.close());

  it('registers cameras with channels of another camera\'s push URL, checked', async () => {
    expect((await put(nvr, 'nvr_ch1', { nvrChannel: 1 })).statusCode).toBe(200);
    const saved = await put(second, 'nvr_ch2', { pushVia: nvr, nvrChannel: 2 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().settings).toMatchObject({ pushVia: nvr, nvrChannel: 2, pushViaName: expect.stringContaining('测试AI监控') });

    const taken = await put(third, 'nvr_ch3', { pushVia: nvr, nvrChannel: 2 });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().fields).toMatchObject([{ field: '/nvrChannel', code: 'VIDEO_NVR_CHANNEL_TAKEN' }]);
    const noChannel = await put(third, 'nvr_ch3', { pushVia: nvr, nvrChannel: null });
    expect(noChannel.json().fields).toMatchObject([{ field: '/nvrChannel', code: 'required' }]);
    const itself = await put(third, 'nvr_ch3', { pushVia: third, nvrChannel: 3 });
    expect(itself.json().fields).toMatchObject([{ field: '/pushVia', code: 'VIDEO_PUSH_VIA_INVALID' }]);
    // One level only: a camera pushing via the NVR's URL cannot itself be an NVR's URL.
    const chained = await put(third, 'nvr_ch3', { pushVia: second, nvrChannel: 3 });
    expect(chained.json().fields).toMatchObject([{ field: '/pushVia', code: 'VIDEO_PUSH_VIA_INVALID' }]);
    const ownerAway = await put(nvr, 'nvr_ch1', { pushVia: third, nvrChannel: 1 });
    expect(ownerAway.json().fields).toMatchObject([{ field: '/pushVia', code: 'VIDEO_PUSH_VIA_INVALID' }]);

    // Left out: unchanged (clients that do not know about NVRs keep the setting).
    const untouched = await t.as(admin, { method: 'PUT', url: `/api/video/cameras/${second}`, payload: { sourceName: 'nvr_ch2', frigateUrl: null, detectorEnabled: false, detectorIntervalSeconds: 90, detectorSource: null } });
    expect(untouched.json().settings).toMatchObject({ pushVia: nvr, nvrChannel: 2, detectorIntervalSeconds: 90 });
  });

  it('attributes Hikvision (dynChannelID) and Dahua (index, 0-based) pushes to the camera of the channel', async () => {
    const hik = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: hikvisionOnChannel(2) });
    expect(hik.json()).toEqual({ accepted: 1 });
    const dahua = await t.app.inject({ method: 'POST', url: paths.dahuaPath, headers: { 'content-type': 'text/plain' }, payload: dahuaOnIndex(0) });
    expect(dahua.json()).toEqual({ accepted: 1 });

    expect((await settled(second)).map((r) => [r.source, r.vendor_code])).toEqual([['hikvision', 'fielddetection']]);
    expect((await settled(nvr)).map((r) => [r.source, r.vendor_code])).toEqual([['dahua', 'ParkingDetection']]);
  });

  it('refuses a push for a channel with no camera (and one naming no channel), recorded, nothing stored', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: paths.dahuaPath, headers: { 'content-type': 'text/plain' }, payload: dahuaOnIndex(4) });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(unknown.json().code).toBe('VIDEO_NVR_CHANNEL_UNKNOWN');
    expect(unknown.json().detail).toContain('channel 5');
    const json = await t.app.inject({ method: 'POST', url: paths.dahuaPath, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ Code: 'ParkingDetection', action: 'Start', Index: 6, data: {} }) });
    expect(json.json().code).toBe('VIDEO_NVR_CHANNEL_UNKNOWN');

    await t.app.videoIntake.settled();
    const refusals = await t.app.db.selectFrom('video_refusal').selectAll().where('code', '=', 'VIDEO_NVR_CHANNEL_UNKNOWN').orderBy('id').execute();
    expect(refusals.map((r) => [r.source, r.camera])).toEqual([
      ['dahua', 'nvr_ch1'],
      ['dahua', 'nvr_ch1'],
    ]);
    expect(refusals[1]!.detail).toContain('channel 7');
    expect(await settled(third)).toEqual([]);
    expect(await settled(second)).toHaveLength(1);
  });

  it('leaves a push URL without channels as before: every channel is its camera', async () => {
    const single = await newCamera(t, admin, { sourceName: 'single_ipc' });
    const own = (await t.as(admin, { method: 'POST', url: `/api/video/cameras/${single}/push-token` })).json();
    expect((await t.app.inject({ method: 'POST', url: own.dahuaPath, headers: { 'content-type': 'text/plain' }, payload: dahuaOnIndex(7) })).json()).toEqual({ accepted: 1 });
    expect(await settled(single)).toHaveLength(1);
  });

  it('moves a channel when its camera leaves the NVR', async () => {
    expect((await put(second, 'nvr_ch2', { pushVia: null, nvrChannel: null })).statusCode).toBe(200);
    const gone = await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: hikvisionOnChannel(2) });
    expect(gone.json().code).toBe('VIDEO_NVR_CHANNEL_UNKNOWN');
    expect((await put(third, 'nvr_ch3', { pushVia: nvr, nvrChannel: 2 })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'POST', url: paths.hikvisionPath, headers: { 'content-type': 'application/xml' }, payload: hikvisionOnChannel(2) })).json()).toEqual({ accepted: 1 });
    expect(await settled(third)).toHaveLength(1);
  });
});
