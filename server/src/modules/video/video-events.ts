import type { FastifyInstance } from 'fastify';
import type { CommandRunner } from '../../http/command.ts';
import { addSystemEventNote, reportAsSystem } from '../events/system-intake.ts';
import type { ZoneType } from '../devices/devices.tables.ts';
import type { DetectionSource } from './video.tables.ts';

/**
 * What video AI writes outside its own tables: evidence frames in the file store, events through the
 * event center's system intake, and observations on an event's timeline.
 */
export const videoReporterName = '视频AI';

const labelZh: Record<string, string> = {
  person: '行人',
  car: '小汽车',
  truck: '货车',
  bus: '客车',
  motorcycle: '摩托车',
  bicycle: '自行车',
  'dining table': '桌子',
  chair: '椅子',
  umbrella: '遮阳伞',
  bench: '长椅',
};
const zoneTypeZh: Record<ZoneType, string> = { no_parking: '禁停区', no_stall: '禁摆区', no_dumping: '禁倒区', no_hanging: '禁晾区', no_occupation: '店外禁占区', watch: '关注区' };

export const labelName = (label: string) => labelZh[label] ?? label;

export interface EvidenceOwner {
  deviceId: number;
  divisionCode: string;
}

const frameName = (deviceId: number, at: Date, mime: string) => `camera-${deviceId}-${at.toISOString().replace(/[:.]/g, '')}.${mime.split('/')[1]}`;

async function saveFrame(app: FastifyInstance, bytes: Buffer, owner: EvidenceOwner, at: Date, ownerType: string, ownerId: string) {
  const blob = await app.files.save(bytes);
  return {
    sha256: blob.sha256,
    mime: blob.mime,
    size: blob.size,
    original_name: frameName(owner.deviceId, at, blob.mime),
    width: blob.width,
    height: blob.height,
    has_thumbnail: blob.hasThumbnail,
    owner_type: ownerType,
    owner_id: ownerId,
    division_code: owner.divisionCode,
    uploaded_by: null,
  };
}

/**
 * Stores a detection's evidence frame (already checked to be an image) as an upload that the event
 * intake then claims as the report photo: one row, no transaction of its own, so that the event follows
 * quickly (the event's creation audit names the photo).
 */
export async function storeEvidence(app: FastifyInstance, bytes: Buffer, owner: EvidenceOwner & { detectionId: number }, at: Date): Promise<number> {
  const row = await saveFrame(app, bytes, owner, at, 'upload', evidenceOwnerId(owner.detectionId));
  const inserted = await app.db.insertInto('stored_file').values(row).returning('id').executeTakeFirstOrThrow();
  return inserted.id;
}

/** Stores a frame as the camera's latest snapshot (owner `camera`), audited as `by`'s action. */
export async function storeCameraFrame(app: FastifyInstance, bytes: Buffer, owner: EvidenceOwner, at: Date, run: CommandRunner): Promise<number> {
  const row = await saveFrame(app, bytes, owner, at, 'camera', String(owner.deviceId));
  return run(async (trx, audit) => {
    const inserted = await trx.insertInto('stored_file').values(row).returning('id').executeTakeFirstOrThrow();
    await trx.updateTable('camera_ai').set({ snapshot_file_id: inserted.id, snapshot_at: at, snapshot_error: null, snapshot_error_at: null }).where('device_id', '=', owner.deviceId).execute();
    audit({ action: 'video:camera:snapshot', entityType: 'device', entityId: owner.deviceId, divisionCode: owner.divisionCode, details: { fileId: inserted.id, sha256: row.sha256, size: row.size } });
    return inserted.id;
  });
}

/** The owner id an evidence upload carries until the event claims it. */
const evidenceOwnerId = (detectionId: number) => `video-detection:${detectionId}`;

export interface AiEventFacts {
  detectionId: number;
  categoryCode: string;
  ruleName: string;
  label: string;
  zone: { name: string; type: ZoneType } | null;
  dwellSeconds: number;
  evidenceFileId: number | null;
  camera: { deviceId: number; name: string; address: string | null; lng: number; lat: number; divisionCode: string };
  /**
   * The category allows a polite reminder first (视频AI + 114): the event waits before 立案 for the
   * reminder and its re-check instead of being registered and dispatched at once.
   */
  reminderFirst: boolean;
}

/** 薛家路口监控1 禁停区「no_parking」：小汽车停留 4 分钟（规则：机动车违停） */
export function aiEventDescription(facts: AiEventFacts): string {
  const where = facts.zone ? `${zoneTypeZh[facts.zone.type]}「${facts.zone.name}」` : '画面中';
  const dwell = facts.dwellSeconds >= 60 ? `停留 ${Math.floor(facts.dwellSeconds / 60)} 分钟` : '';
  return `${facts.camera.name} ${where}检测到${labelName(facts.label)}${dwell ? `，${dwell}` : ''}（规则：${facts.ruleName}）`;
}

/** An AI event's source_ref names its camera and detection: camera:12/detection:345. */
export const detectionSourceRef = (deviceId: number, detectionId: number) => `camera:${deviceId}/detection:${detectionId}`;

/** The detection behind an AI event (other sources: null). */
export function detectionOfSourceRef(sourceRef: string | null): number | null {
  const match = /^camera:\d+\/detection:(\d+)$/.exec(sourceRef ?? '');
  return match ? Number(match[1]) : null;
}

/**
 * Opens the detection's event (or finds it, on a retry: the detection id is the idempotency key), with
 * the evidence frame as its report photo. A machine finding that a rule judged to need action is its
 * own verification: the system accepts and registers it, and routing may dispatch it at once.
 */
export async function openAiEvent(app: FastifyInstance, facts: AiEventFacts): Promise<number> {
  const { camera } = facts;
  const outcome = await reportAsSystem(
    app,
    {
      source: 'video_ai',
      categoryCode: facts.categoryCode,
      title: `${facts.ruleName}（${camera.name}）`,
      description: aiEventDescription(facts),
      location: { lng: camera.lng, lat: camera.lat },
      address: camera.address ?? camera.name,
      photos: facts.evidenceFileId === null ? [] : [{ id: facts.evidenceFileId, ownerId: evidenceOwnerId(facts.detectionId) }],
      sourceRef: detectionSourceRef(camera.deviceId, facts.detectionId),
      idempotencyKey: `video-${facts.detectionId}`,
    },
    { name: videoReporterName, divisionCode: camera.divisionCode, register: !facts.reminderFirst },
  );
  return outcome.event.id;
}

/**
 * What a detection after an AI event says about compliance: the object is still there, or it is gone
 * ("vehicle gone"). Called only for events whose category allows a polite reminder (视频AI + 114),
 * at most every VIDEO_RECHECK_INTERVAL_S while the object stays, and once when it goes.
 *
 * The outreach module decides what that means for a reminder it sent (its `recheck(eventId, complied,
 * 'detection')`); until it is wired in, the default sink records the observation on the event's
 * timeline, so handlers see it.
 */
export interface ComplianceObservation {
  eventId: number;
  detectionId: number;
  deviceId: number;
  cameraName: string;
  zoneName: string | null;
  label: string;
  source: DetectionSource;
  at: Date;
}

export interface ComplianceSink {
  /** A reminder-first event was opened (the outreach module sends the reminder). */
  eventOpened(eventId: number): Promise<void>;
  objectStillThere(observation: ComplianceObservation): Promise<void>;
  objectGone(observation: ComplianceObservation): Promise<void>;
}

const hhmm = (at: Date) => at.toLocaleTimeString('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit' });

export function historyComplianceSink(app: FastifyInstance): ComplianceSink {
  const note = (o: ComplianceObservation, stillThere: boolean) =>
    addSystemEventNote(app, videoReporterName, {
      eventId: o.eventId,
      note: stillThere ? `视频复核（${hhmm(o.at)}）：${labelName(o.label)}仍在${o.zoneName ? `「${o.zoneName}」` : '原处'}` : `视频复核（${hhmm(o.at)}）：${labelName(o.label)}已离开${o.zoneName ? `「${o.zoneName}」` : ''}`,
      details: { detectionId: o.detectionId, observation: stillThere ? 'still_there' : 'gone', source: o.source },
    });
  return {
    // Without the outreach module the event simply waits in the 受理 queue.
    eventOpened: async () => {},
    objectStillThere: (o) => note(o, true),
    objectGone: (o) => note(o, false),
  };
}
