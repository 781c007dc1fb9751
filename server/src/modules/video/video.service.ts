import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { devicesRepo } from '../devices/devices.repo.ts';
import { hashAccessToken, newAccessToken } from '../devices/reporting-device.ts';
import type { Parsed } from './detection.ts';
import { parseDahuaPush } from './formats/dahua.ts';
import { parseHikvisionPush } from './formats/hikvision.ts';
import { parseWebhook, verifyWebhook } from './formats/webhook.ts';
import { frameFile, pullFrame } from './detector/detector-scheduler.ts';
import { storeCameraFrame } from './video-events.ts';
import { fetchImage } from './snapshot.ts';
import { videoRepo } from './video.repo.ts';
import { loadSettings as loadOutreachSettings } from '../outreach/settings.ts';
import type { CameraVideoBody, DetectionQuery, RuleBody } from './video.schema.ts';
import type { VideoRuleTable } from './video.tables.ts';
import type { Selectable } from 'kysely';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// ——— intake over HTTP ———

const refusalStatus = { VIDEO_PAYLOAD_INVALID: 400, VIDEO_CAMERA_UNKNOWN: 404, VIDEO_NVR_CHANNEL_UNKNOWN: 404, VIDEO_SIGNATURE_INVALID: 401 } as const;

/** Hands parsed detections to the intake; refusals answer problem+json and are recorded. */
function take(request: FastifyRequest, source: string, parsed: Parsed) {
  const intake = request.server.videoIntake;
  const origin = { source, remote: request.ip ?? null };
  const outcome = parsed.ok ? (parsed.detections.length ? intake.receive(parsed.detections, origin) : ({ ok: true, accepted: 0 } as const)) : intake.refuse(parsed.refusal, origin);
  if (!outcome.ok) throw new AppError(outcome.refusal.code, refusalStatus[outcome.refusal.code], { detail: outcome.refusal.detail });
  // Detections are the cameras' data, kept in video_detection; they are not administrative changes.
  request.audited = true;
  return { accepted: outcome.accepted };
}

export function receiveWebhook(request: FastifyRequest, body: Buffer) {
  const secret = request.server.config.videoWebhookSecret;
  if (!secret) throw new AppError('VIDEO_WEBHOOK_DISABLED', 503);
  const problem = verifyWebhook(secret, request.headers, body);
  if (problem) return take(request, 'webhook', { ok: false, refusal: problem });
  return take(request, 'webhook', parseWebhook(body));
}

/** Vendor pushes carry the camera's push token in their URL: it names and authenticates the camera (or, for an NVR, the camera of each channel). */
export function receivePush(request: FastifyRequest, vendor: 'hikvision' | 'dahua', token: string, body: Buffer) {
  const camera = request.server.videoIntake.cameraByPushToken(token);
  if (!camera) {
    request.server.videoIntake.refuse({ code: 'VIDEO_CAMERA_UNKNOWN', detail: `${vendor} push with an unknown push token` }, { source: vendor, remote: request.ip ?? null });
    throw new AppError('VIDEO_PUSH_TOKEN_UNKNOWN', 401);
  }
  const parsed = vendor === 'hikvision' ? parseHikvisionPush({ contentType: request.headers['content-type'], body }, camera.device_id) : parseDahuaPush(body, camera.device_id);
  return take(request, vendor, request.server.videoIntake.routeChannels(camera, parsed));
}

// ——— cameras ———

async function cameraOrNotFound(request: FastifyRequest, id: number) {
  const camera = await videoRepo.cameraOf(request.server.db, actorOf(request).scope, id);
  if (!camera || camera.device_type !== 'camera') throw notFound();
  return camera;
}

export async function cameraView(request: FastifyRequest, id: number) {
  const camera = await cameraOrNotFound(request, id);
  const [zones, evidence] = await Promise.all([devicesRepo.zones(request.server.db, id), videoRepo.latestEvidence(request.server.db, id)]);
  // The latest frame: taken for the camera (refresh), or the newest detection's evidence.
  const taken = camera.snapshot_file_id === null || !camera.snapshot_at ? null : { fileId: camera.snapshot_file_id, at: camera.snapshot_at.toISOString(), width: camera.snapshot_width, height: camera.snapshot_height };
  const fromEvidence = evidence ? { fileId: evidence.id, at: evidence.created_at.toISOString(), width: evidence.width, height: evidence.height } : null;
  const snapshot = !taken || (fromEvidence && fromEvidence.at > taken.at) ? fromEvidence : taken;
  return {
    deviceId: camera.id,
    name: camera.name,
    address: camera.address,
    aiEnabled: camera.ai_enabled,
    snapshotUrl: camera.snapshot_url,
    settings:
      camera.source_name === null
        ? null
        : {
            sourceName: camera.source_name,
            frigateUrl: camera.frigate_url,
            detectorEnabled: camera.detector_enabled ?? false,
            detectorIntervalSeconds: camera.detector_interval_s ?? 60,
            detectorSource: camera.detector_source,
            pushVia: camera.push_via,
            nvrChannel: camera.nvr_channel,
            pushViaName: camera.push_via_name,
            pushTokenIssuedAt: iso(camera.push_token_issued_at),
          },
    snapshot,
    snapshotError: camera.snapshot_error,
    snapshotErrorAt: iso(camera.snapshot_error_at),
    zones: zones.map((z) => ({ id: z.id, name: z.name, zoneType: z.zone_type, polygon: z.polygon, imageWidth: z.image_width, imageHeight: z.image_height, active: z.active })),
  };
}

export async function saveCameraSettings(request: FastifyRequest, id: number, body: CameraVideoBody) {
  const db = request.server.db;
  const camera = await cameraOrNotFound(request, id);
  if (await videoRepo.sourceNameTaken(db, body.sourceName, id)) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/sourceName', code: 'VIDEO_SOURCE_NAME_TAKEN', params: { name: body.sourceName } }]);
  if (body.detectorSource !== null && !/^https?:\/\//.test(body.detectorSource) && !frameFile(request.server.config.dataDir, body.detectorSource)) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/detectorSource', code: 'VIDEO_DETECTOR_SOURCE' }]);
  }
  const nvr = await checkNvrSettings(request, id, body, camera);
  const values = { source_name: body.sourceName, frigate_url: body.frigateUrl, detector_enabled: body.detectorEnabled, detector_interval_s: body.detectorIntervalSeconds, detector_source: body.detectorSource, ...nvr };
  await runCommand(request, async (trx, audit) => {
    await videoRepo.saveCameraSettings(trx, id, values);
    audit({
      action: 'video:camera:update',
      entityType: 'device',
      entityId: id,
      divisionCode: camera.division_code,
      before:
        camera.source_name === null
          ? null
          : { source_name: camera.source_name, frigate_url: camera.frigate_url, detector_enabled: camera.detector_enabled, detector_interval_s: camera.detector_interval_s, detector_source: camera.detector_source, push_via: camera.push_via, nvr_channel: camera.nvr_channel },
      after: values,
    });
  });
  await request.server.videoIntake.reloadCameras([id]);
  return cameraView(request, id);
}

/**
 * A camera behind an NVR: the camera whose push URL the NVR uses (set up for video AI, in scope, not
 * itself behind another) and a channel no other camera on that URL has. Left out: unchanged.
 */
async function checkNvrSettings(request: FastifyRequest, id: number, body: CameraVideoBody, camera: { push_via: number | null; nvr_channel: number | null }) {
  const db = request.server.db;
  const pushVia = body.pushVia === undefined ? camera.push_via : body.pushVia;
  const nvrChannel = body.nvrChannel === undefined ? camera.nvr_channel : body.nvrChannel;
  const issues: { field: string; code: string; params?: Record<string, string | number> }[] = [];
  if (pushVia !== null) {
    const target = pushVia === id ? undefined : await videoRepo.pushTarget(db, actorOf(request).scope, pushVia);
    if (!target || target.push_via !== null || (await videoRepo.hasPushMembers(db, id))) issues.push({ field: '/pushVia', code: 'VIDEO_PUSH_VIA_INVALID' });
    if (nvrChannel === null) issues.push({ field: '/nvrChannel', code: 'required' });
  }
  if (nvrChannel !== null && (await videoRepo.nvrChannelTaken(db, pushVia ?? id, nvrChannel, id))) issues.push({ field: '/nvrChannel', code: 'VIDEO_NVR_CHANNEL_TAKEN', params: { channel: nvrChannel } });
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues);
  return { push_via: pushVia, nvr_channel: nvrChannel };
}

/** A new push token for the camera's Hikvision / Dahua push URL (the old one stops working); shown once. */
export async function issuePushToken(request: FastifyRequest, id: number) {
  const camera = await cameraOrNotFound(request, id);
  if (camera.source_name === null) throw new AppError('VIDEO_CAMERA_NOT_SET_UP', 409);
  const token = newAccessToken();
  const issuedAt = new Date();
  await runCommand(request, async (trx, audit) => {
    await videoRepo.setPushToken(trx, id, hashAccessToken(token), issuedAt);
    audit({ action: 'video:camera:push-token', entityType: 'device', entityId: id, divisionCode: camera.division_code, details: { replaced: camera.push_token_hash !== null } });
  });
  await request.server.videoIntake.reloadCameras([id]);
  return { token, issuedAt: issuedAt.toISOString(), hikvisionPath: `/api/video/push/hikvision/${token}`, dahuaPath: `/api/video/push/dahua/${token}` };
}

/**
 * Takes a frame now (to draw zones on, or to check the camera): from Frigate's latest frame, the
 * detector source, or the snapshot URL. A failure is kept on the camera and answered as 502.
 */
export async function refreshSnapshot(request: FastifyRequest, id: number) {
  const app = request.server;
  const camera = await cameraOrNotFound(request, id);
  if (camera.source_name === null) throw new AppError('VIDEO_CAMERA_NOT_SET_UP', 409);
  const limits = { timeoutMs: app.config.videoSnapshotTimeoutMs, maxBytes: app.config.videoSnapshotMaxBytes };
  const frame = camera.frigate_url
    ? await fetchImage(`${camera.frigate_url.replace(/\/+$/, '')}/api/${encodeURIComponent(camera.source_name)}/latest.jpg`, limits)
    : await pullFrame(app, { detector_source: camera.detector_source, snapshot_url: camera.snapshot_url });
  if (!frame.ok) {
    await runCommand(request, async (trx, audit) => {
      await videoRepo.setSnapshotError(trx, id, frame.error, new Date());
      audit({ action: 'video:camera:snapshot', entityType: 'device', entityId: id, divisionCode: camera.division_code, details: { error: frame.error } });
    });
    throw new AppError('VIDEO_SNAPSHOT_FAILED', 502, { detail: frame.error });
  }
  await storeCameraFrame(app, frame.bytes, { deviceId: id, divisionCode: camera.division_code }, new Date(), (work) => runCommand(request, work));
  return cameraView(request, id);
}

// ——— detections ———

type DetectionRow = Awaited<ReturnType<typeof videoRepo.detections>>['items'][number];

const presentDetection = (r: DetectionRow) => ({
  id: Number(r.id),
  deviceId: r.device_id,
  cameraName: r.camera_name,
  source: r.source,
  trackKey: r.track_key,
  label: r.label,
  subLabel: r.sub_label,
  vendorCode: r.vendor_code,
  score: r.score === null ? null : Number(r.score),
  box: r.box,
  zones: r.zones,
  stationary: r.stationary,
  firstAt: r.first_at.toISOString(),
  lastAt: r.last_at.toISOString(),
  endedAt: iso(r.ended_at),
  endReason: r.end_reason,
  updates: r.updates,
  ruleName: r.rule_name,
  categoryCode: r.category_code,
  categoryName: r.category_name,
  eventId: r.event_id === null ? null : Number(r.event_id),
  eventCode: r.event_code,
  eventState: r.event_state,
  eventError: r.event_error,
  snapshotFileId: r.snapshot_file_id,
  snapshotError: r.snapshot_error,
});

export async function listDetections(request: FastifyRequest, query: DetectionQuery, deviceId?: number) {
  if (deviceId !== undefined) await cameraOrNotFound(request, deviceId);
  const window = pageWindow(query);
  const { total, items } = await videoRepo.detections(request.server.db, actorOf(request).scope, { deviceId, divisionCode: query.divisionCode, withEvent: query.withEvent }, window);
  return { total, page: window.page, pageSize: window.pageSize, items: items.map(presentDetection) };
}

/** Midnight today in Asia/Shanghai (UTC+8, no daylight saving). */
export function shanghaiMidnight(now = Date.now()): Date {
  const day = 86_400_000;
  const offset = 8 * 3_600_000;
  return new Date(Math.floor((now + offset) / day) * day - offset);
}

/** "AI detections today" for the dashboard: objects that entered a zone or vendor alarms, and how many became events. */
export async function detectionsToday(request: FastifyRequest, divisionCode?: string) {
  const since = shanghaiMidnight();
  const counts = await videoRepo.countSince(request.server.db, actorOf(request).scope, since, divisionCode);
  return { since: since.toISOString(), detections: counts.detections, events: counts.events };
}

export async function intakeStatus(request: FastifyRequest) {
  const refusals = await videoRepo.recentRefusals(request.server.db, 20);
  return {
    ...request.server.videoIntake.snapshot(),
    recentRefusals: refusals.map((r) => ({ at: r.at.toISOString(), source: r.source, code: r.code, camera: r.camera, detail: r.detail, remote: r.remote })),
  };
}

// ——— rules ———

type RuleRow = Selectable<VideoRuleTable> & { category_name: string | null; reminder_allowed: boolean | null; grace_minutes: number | null };

/** A stored rule in the API's words. */
const bodyOf = (r: Selectable<VideoRuleTable>): RuleBody => ({
  name: r.name,
  labels: r.labels,
  vendorCodes: r.vendor_codes,
  zoneType: r.zone_type,
  withLabels: r.with_labels,
  minDwellSeconds: r.min_dwell_s,
  requireStationary: r.require_stationary,
  minScore: Number(r.min_score),
  categoryCode: r.category_code,
  priority: r.priority,
  active: r.active,
});

const presentRule = (r: RuleRow, defaultGraceMinutes: number) => ({
  id: r.id,
  ...bodyOf(r),
  categoryName: r.category_name,
  reminderFirst: r.reminder_allowed === true,
  graceMinutes: r.reminder_allowed === true ? (r.grace_minutes ?? defaultGraceMinutes) : null,
  updatedAt: r.updated_at.toISOString(),
});

async function presentRules(request: FastifyRequest, id?: number) {
  const db = request.server.db;
  const [rows, outreach] = await Promise.all([videoRepo.rules(db, id), loadOutreachSettings(db)]);
  return rows.map((row) => presentRule(row, outreach.defaultGraceMinutes));
}

export async function listRules(request: FastifyRequest) {
  return { items: await presentRules(request) };
}

/** What the schema cannot say: a rule needs labels or vendor codes, companions need a zone, the category must exist. */
async function checkRule(request: FastifyRequest, body: RuleBody) {
  const issues: { field: string; code: string; params?: Record<string, string | number> }[] = [];
  if (!body.labels.length && !body.vendorCodes.length) issues.push({ field: '/labels', code: 'VIDEO_RULE_EMPTY' });
  if (body.withLabels.length && body.zoneType === null) issues.push({ field: '/withLabels', code: 'VIDEO_RULE_COMPANION_ZONE' });
  const category = await request.server.db.selectFrom('event_category').select(['code', 'active']).where('code', '=', body.categoryCode).executeTakeFirst();
  if (!category?.active) issues.push({ field: '/categoryCode', code: 'EVENT_CATEGORY_UNKNOWN', params: { code: body.categoryCode } });
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues);
}

const ruleColumns = (body: RuleBody) => ({
  name: body.name,
  labels: body.labels,
  vendor_codes: body.vendorCodes,
  zone_type: body.zoneType,
  with_labels: body.withLabels,
  min_dwell_s: body.minDwellSeconds,
  require_stationary: body.requireStationary,
  min_score: body.minScore,
  category_code: body.categoryCode,
  priority: body.priority,
  active: body.active,
  updated_at: new Date(),
});

export async function createRule(request: FastifyRequest, body: RuleBody) {
  await checkRule(request, body);
  const row = await runCommand(request, async (trx, audit) => {
    const inserted = await videoRepo.insertRule(trx, ruleColumns(body));
    audit({ action: 'video:rule:update', entityType: 'video_rule', entityId: inserted.id, after: { ...body } });
    return inserted;
  });
  await request.server.videoIntake.reloadRules();
  return (await presentRules(request, row.id))[0]!;
}

export async function updateRule(request: FastifyRequest, id: number, body: RuleBody) {
  const before = await videoRepo.rule(request.server.db, id);
  if (!before) throw notFound();
  await checkRule(request, body);
  const row = await runCommand(request, async (trx, audit) => {
    const updated = await videoRepo.updateRule(trx, id, ruleColumns(body));
    if (!updated) throw notFound();
    audit({ action: 'video:rule:update', entityType: 'video_rule', entityId: id, before: bodyOf(before), after: { ...body } });
    return updated;
  });
  await request.server.videoIntake.reloadRules();
  return (await presentRules(request, row.id))[0]!;
}
