import { sql, type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import type { ZoneType } from '../devices/devices.tables.ts';
import type { VideoDetectionTable, VideoRuleTable } from './video.tables.ts';
import type { VideoRule } from './video-rules.ts';

/** The SQL of the video module. */
type Db = Kysely<DB> | Transaction<DB>;

export interface CameraRow {
  device_id: number;
  name: string;
  source_name: string;
  frigate_url: string | null;
  snapshot_url: string | null;
  push_token_hash: string | null;
  push_via: number | null;
  nvr_channel: number | null;
  ai_enabled: boolean;
  detector_enabled: boolean;
  detector_interval_s: number;
  detector_source: string | null;
  address: string | null;
  lng: number;
  lat: number;
  division_code: string;
}

export interface ZoneRow {
  device_id: number;
  name: string;
  zone_type: ZoneType;
  polygon: [number, number][];
  image_width: number;
  image_height: number;
}

export interface DetectionFilter {
  deviceId?: number;
  divisionCode?: string;
  withEvent?: boolean;
  since?: Date;
}

const toRule = (r: { id: number; name: string; labels: string[]; vendor_codes: string[]; zone_type: ZoneType | null; with_labels: string[]; min_dwell_s: number; require_stationary: boolean; min_score: number; category_code: string; priority: number }): VideoRule => ({
  id: r.id,
  name: r.name,
  labels: r.labels,
  vendorCodes: r.vendor_codes,
  zoneType: r.zone_type,
  withLabels: r.with_labels,
  minDwellS: r.min_dwell_s,
  requireStationary: r.require_stationary,
  minScore: Number(r.min_score),
  categoryCode: r.category_code,
  priority: r.priority,
});

export const videoRepo = {
  /** Cameras set up for video AI (all, or the given ones) with what the intake needs of their device. */
  cameras(db: Db, ids?: number[]): Promise<CameraRow[]> {
    let q = db
      .selectFrom('camera_ai as c')
      .innerJoin('device as d', 'd.id', 'c.device_id')
      .select(['c.device_id', 'd.name', 'c.source_name', 'c.frigate_url', 'd.snapshot_url', 'c.push_token_hash', 'c.push_via', 'c.nvr_channel', 'd.ai_enabled', 'c.detector_enabled', 'c.detector_interval_s', 'c.detector_source', 'd.address', 'd.lng', 'd.lat', 'd.division_code']);
    if (ids) q = q.where('c.device_id', 'in', ids.length ? ids : [0]);
    return q.execute();
  },

  zones(db: Db, deviceIds: number[]): Promise<ZoneRow[]> {
    if (!deviceIds.length) return Promise.resolve([]);
    return db
      .selectFrom('camera_zone')
      .select(['device_id', 'name', 'zone_type', 'polygon', 'image_width', 'image_height'])
      .where('device_id', 'in', deviceIds)
      .where('active', '=', true)
      .orderBy('id')
      .execute();
  },

  async activeRules(db: Db): Promise<VideoRule[]> {
    const rows = await db.selectFrom('video_rule').selectAll().where('active', '=', true).orderBy('priority').orderBy('id').execute();
    return rows.map(toRule);
  },

  /** Detections still open, or ended recently enough to be continued by a repeat of their key. */
  recentTracks(db: Db, endedSince: Date) {
    return db
      .selectFrom('video_detection as v')
      .leftJoin('event_category as c', 'c.code', 'v.category_code')
      .selectAll('v')
      .select('c.reminder_allowed')
      .where((eb) => eb.or([eb('v.ended_at', 'is', null), eb('v.ended_at', '>', endedSince)]))
      .execute();
  },

  async insertDetection(db: Db, row: Insertable<VideoDetectionTable>): Promise<number> {
    const inserted = await db.insertInto('video_detection').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(inserted.id);
  },

  async updateDetection(db: Db, id: number, patch: Updateable<VideoDetectionTable>) {
    await db.updateTable('video_detection').set(patch).where('id', '=', id).execute();
  },

  async insertRefusal(db: Db, row: { source: string; code: string; camera: string | null; detail: string; remote: string | null }) {
    await db.insertInto('video_refusal').values(row).execute();
  },

  recentRefusals(db: Db, limit: number) {
    return db.selectFrom('video_refusal').selectAll().orderBy('id', 'desc').limit(limit).execute();
  },

  async purge(db: Db, refusalsBefore: Date) {
    await db.deleteFrom('video_refusal').where('at', '<', refusalsBefore).execute();
  },

  categoryReminder(db: Db, code: string) {
    return db.selectFrom('event_category').select(['reminder_allowed', 'minor_name']).where('code', '=', code).executeTakeFirst();
  },

  /** A camera (in scope) with its video-AI settings, if any. */
  cameraOf(db: Db, scope: DataScope, id: number) {
    return db
      .selectFrom('device as d')
      .leftJoin('camera_ai as c', 'c.device_id', 'd.id')
      .leftJoin('stored_file as f', 'f.id', 'c.snapshot_file_id')
      .leftJoin('device as pv', 'pv.id', 'c.push_via')
      .select([
        'd.id',
        'd.device_type',
        'd.name',
        'd.ai_enabled',
        'd.snapshot_url',
        'd.address',
        'd.division_code',
        'c.source_name',
        'c.frigate_url',
        'c.push_token_hash',
        'c.push_token_issued_at',
        'c.push_via',
        'c.nvr_channel',
        'pv.name as push_via_name',
        'c.detector_enabled',
        'c.detector_interval_s',
        'c.detector_source',
        'c.snapshot_file_id',
        'c.snapshot_at',
        'c.snapshot_error',
        'c.snapshot_error_at',
        'f.width as snapshot_width',
        'f.height as snapshot_height',
      ])
      .where('d.id', '=', id)
      .where(scopeCondition(scope, { division: 'd.division_code' }))
      .executeTakeFirst();
  },

  /** The newest evidence frame of the camera's detections. */
  latestEvidence(db: Db, deviceId: number) {
    return db
      .selectFrom('video_detection as v')
      .innerJoin('stored_file as f', 'f.id', 'v.snapshot_file_id')
      .select(['f.id', 'f.created_at', 'f.width', 'f.height'])
      .where('v.device_id', '=', deviceId)
      .orderBy('v.id', 'desc')
      .limit(1)
      .executeTakeFirst();
  },

  sourceNameTaken(db: Db, name: string, exceptDeviceId: number) {
    return db.selectFrom('camera_ai').select('device_id').where('source_name', '=', name).where('device_id', '<>', exceptDeviceId).executeTakeFirst();
  },

  /** The camera another one may name as its NVR's push URL (one level: it must not push via a third). */
  pushTarget(db: Db, scope: DataScope, deviceId: number) {
    return db
      .selectFrom('camera_ai as c')
      .innerJoin('device as d', 'd.id', 'c.device_id')
      .select(['c.device_id', 'c.push_via'])
      .where('c.device_id', '=', deviceId)
      .where(scopeCondition(scope, { division: 'd.division_code' }))
      .executeTakeFirst();
  },

  /** Whether cameras push via this one (then it is an NVR's URL and cannot itself push via another). */
  hasPushMembers(db: Db, deviceId: number) {
    return db.selectFrom('camera_ai').select('device_id').where('push_via', '=', deviceId).limit(1).executeTakeFirst();
  },

  /** Another camera on the same NVR URL with this channel. */
  nvrChannelTaken(db: Db, owner: number, channel: number, exceptDeviceId: number) {
    return db
      .selectFrom('camera_ai')
      .select('device_id')
      .where((eb) => eb.or([eb('device_id', '=', owner), eb('push_via', '=', owner)]))
      .where('nvr_channel', '=', channel)
      .where('device_id', '<>', exceptDeviceId)
      .executeTakeFirst();
  },

  async saveCameraSettings(
    db: Db,
    deviceId: number,
    values: { source_name: string; frigate_url: string | null; detector_enabled: boolean; detector_interval_s: number; detector_source: string | null; push_via?: number | null; nvr_channel?: number | null },
  ) {
    await db
      .insertInto('camera_ai')
      .values({ device_id: deviceId, ...values, updated_at: new Date() })
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ ...values, updated_at: new Date() }))
      .execute();
  },

  async setPushToken(db: Db, deviceId: number, hash: string, at: Date) {
    await db.updateTable('camera_ai').set({ push_token_hash: hash, push_token_issued_at: at, updated_at: at }).where('device_id', '=', deviceId).execute();
  },

  async setLatestSnapshot(db: Db, deviceId: number, fileId: number, at: Date) {
    await db.updateTable('camera_ai').set({ snapshot_file_id: fileId, snapshot_at: at, snapshot_error: null, snapshot_error_at: null }).where('device_id', '=', deviceId).execute();
  },

  async setSnapshotError(db: Db, deviceId: number, error: string, at: Date) {
    await db.updateTable('camera_ai').set({ snapshot_error: error.slice(0, 300), snapshot_error_at: at }).where('device_id', '=', deviceId).execute();
  },

  async detections(db: Db, scope: DataScope, filter: DetectionFilter, window: { limit: number; offset: number }) {
    let q = db.selectFrom('video_detection as v').innerJoin('device as d', 'd.id', 'v.device_id').where(scopeCondition(scope, { division: 'v.division_code' }));
    if (filter.deviceId !== undefined) q = q.where('v.device_id', '=', filter.deviceId);
    if (filter.divisionCode) q = q.where(divisionPrefix('v.division_code', filter.divisionCode));
    if (filter.withEvent) q = q.where('v.event_id', 'is not', null);
    if (filter.since) q = q.where('v.first_at', '>=', filter.since);
    const [count, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q
        .leftJoin('event as e', 'e.id', 'v.event_id')
        .leftJoin('event_category as c', 'c.code', 'v.category_code')
        .leftJoin('video_rule as r', 'r.id', 'v.rule_id')
        .selectAll('v')
        .select(['d.name as camera_name', 'e.code as event_code', 'e.state as event_state', 'c.minor_name as category_name', 'r.name as rule_name'])
        .orderBy('v.first_at', 'desc')
        .orderBy('v.id', 'desc')
        .limit(window.limit)
        .offset(window.offset)
        .execute(),
    ]);
    return { total: count.n, items };
  },

  async countSince(db: Db, scope: DataScope, since: Date, divisionCode?: string) {
    let q = db.selectFrom('video_detection as v').where(scopeCondition(scope, { division: 'v.division_code' })).where('v.first_at', '>=', since);
    if (divisionCode) q = q.where(divisionPrefix('v.division_code', divisionCode));
    const row = await q.select([sql<number>`count(*)::int`.as('detections'), sql<number>`count(v.event_id)::int`.as('events')]).executeTakeFirstOrThrow();
    return row;
  },

  /** Rules with what their category does after the event: a reminder first, and its own grace period if it has one. */
  async rules(db: Db, id?: number) {
    let q = db
      .selectFrom('video_rule as r')
      .leftJoin('event_category as c', 'c.code', 'r.category_code')
      .leftJoin('outreach_policy as p', 'p.category_code', 'r.category_code')
      .selectAll('r')
      .select(['c.minor_name as category_name', 'c.reminder_allowed', 'p.grace_minutes']);
    if (id !== undefined) q = q.where('r.id', '=', id);
    return q.orderBy('r.priority').orderBy('r.id').execute();
  },

  rule(db: Db, id: number) {
    return db.selectFrom('video_rule').selectAll().where('id', '=', id).executeTakeFirst();
  },

  async insertRule(db: Db, row: Insertable<VideoRuleTable>) {
    return db.insertInto('video_rule').values(row).returningAll().executeTakeFirstOrThrow();
  },

  async updateRule(db: Db, id: number, row: Updateable<VideoRuleTable>) {
    return db.updateTable('video_rule').set(row).where('id', '=', id).returningAll().executeTakeFirst();
  },
};

export { toRule };
