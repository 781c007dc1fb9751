import type { FastifyInstance } from 'fastify';
import { hashAccessToken } from '../devices/reporting-device.ts';
import { zoneTypes, type ZoneType } from '../devices/devices.tables.ts';
import { groundPoint, iou, pointInPolygon, type Box, type Detection, type Parsed, type Refusal, type SnapshotSource } from './detection.ts';
import { byPriority, matchRule, type VideoRule, type ZonePresence } from './video-rules.ts';
import { videoRepo, type CameraRow, type ZoneRow } from './video.repo.ts';
import { fetchImage, sniffImage, type Fetched, type FetchLimits } from './snapshot.ts';
import { historyComplianceSink, openAiEvent, storeEvidence, type ComplianceObservation, type ComplianceSink } from './video-events.ts';
import type { DetectionSource, EndReason } from './video.tables.ts';
import { TaskQueue } from './task-queue.ts';

/**
 * The video-AI intake: every detection (Frigate over MQTT, vendor pushes, the webhook, the built-in
 * detector) comes here in the normalised form of detection.ts.
 *
 * - Cameras, their zones and the rules are cached; a message for an unknown camera is refused and
 *   recorded (video_refusal), never an event.
 * - De-duplication: one tracked object (or vendor alarm) per camera is one `video_detection` row,
 *   keyed by its source track key; repeats update it (written on a change that matters, otherwise at
 *   most every `writeEveryMs`), `end` marks it gone, and a repeat of the key within the window after
 *   that continues the same row. So one parked car is one row and at most one event.
 * - Messages are handled one at a time in arrival order (the dwell and zone state depend on order);
 *   events are opened off that path by a small queue: fetch the evidence frame (no transaction open),
 *   store it, open the event through the event center's system intake.
 * - After an event whose category allows a reminder, later detections of the object go to the
 *   compliance sink (still there / gone) for the reminder flow to decide.
 *
 * Dwell is measured on the source's clock (its timestamps), so a recorded sequence replays with its
 * real durations; stored times are the server's.
 */
export interface VideoIntakeOptions {
  snapshot: FetchLimits;
  dedupeWindowMs: number;
  staleMs: number;
  recheckMs: number;
  writeEveryMs: number;
  evidenceConcurrency: number;
  eventConcurrency: number;
}

export interface CameraEntry extends CameraRow {
  zones: ZoneRow[];
}

interface Track {
  id: number | null;
  deviceId: number;
  source: DetectionSource;
  key: string;
  label: string;
  subLabel: string | null;
  vendorCode: string | null;
  score: number | null;
  box: Box | null;
  stationary: boolean;
  zones: Map<string, ZonePresence>;
  firstSourceAt: number;
  /** Server time minus source time at the last message: the source's clock between messages. */
  clockOffset: number;
  firstAt: number;
  lastAt: number;
  endedAt: number | null;
  endReason: EndReason | null;
  updates: number;
  writtenAt: number;
  rule: VideoRule | null;
  matchedZone: string | null;
  eventId: number | null;
  eventState: 'none' | 'pending' | 'done' | 'failed';
  eventTriedAt: number;
  reminderAllowed: boolean;
  snapshot: SnapshotSource | null;
  /** Server time of the message that matched the rule (latency of detection → event). */
  matchedAt: number;
  complianceAt: number;
}

export interface VideoStats {
  messages: number;
  detections: number;
  refused: Record<string, number>;
  tracksOpen: number;
  rowsWritten: number;
  eventsOpened: number;
  eventErrors: number;
  snapshotErrors: number;
  /** Detection received → event created (ms), the last 1,000. */
  eventLatencyMs: number[];
}

/** Boxes of one object overlapping this much between messages: it has not moved (detector jitter allowed). */
const stillOverlap = 0.85;
const trackMapKey = (deviceId: number, source: DetectionSource, key: string) => `${deviceId}|${source}|${key}`;

export class VideoIntake {
  private readonly byId = new Map<number, CameraEntry>();
  private readonly byName = new Map<string, CameraEntry>();
  private readonly byPushToken = new Map<string, CameraEntry>();
  /** Cameras behind NVRs by `<push URL camera id>:<channel>`; rebuilt on every camera reload. */
  private byNvrChannel = new Map<string, CameraEntry>();
  /** Push URL cameras whose pushes are attributed by channel. */
  private nvrUrls = new Set<number>();
  private rules: VideoRule[] = [];
  private readonly tracks = new Map<string, Track>();
  private chain: Promise<void> = Promise.resolve();
  /** Fetching and storing evidence frames (network and image work), then opening events (database work). */
  private readonly evidenceWork: TaskQueue;
  private readonly events: TaskQueue;
  private timer: NodeJS.Timeout | undefined;
  /** Where compliance observations go; the outreach module replaces the default (see video-events.ts). */
  complianceSink: ComplianceSink;
  readonly stats: VideoStats = { messages: 0, detections: 0, refused: {}, tracksOpen: 0, rowsWritten: 0, eventsOpened: 0, eventErrors: 0, snapshotErrors: 0, eventLatencyMs: [] };

  constructor(
    private readonly app: FastifyInstance,
    private readonly options: VideoIntakeOptions,
  ) {
    const failed = (error: unknown) => app.log.error({ err: error }, 'video event work failed');
    this.evidenceWork = new TaskQueue(options.evidenceConcurrency, failed);
    this.events = new TaskQueue(options.eventConcurrency, failed);
    this.complianceSink = historyComplianceSink(app);
  }

  async start(sweepMs = 5_000): Promise<void> {
    await this.reloadRules();
    await this.reloadCameras();
    const now = Date.now();
    for (const row of await videoRepo.recentTracks(this.app.db, new Date(now - this.options.dedupeWindowMs))) {
      const camera = this.byId.get(row.device_id);
      const first = row.first_at.getTime();
      const zones = new Map<string, ZonePresence>();
      for (const name of row.zones) {
        const zone = camera?.zones.find((z) => z.name === name);
        if (zone) zones.set(name, { name, type: zone.zone_type, since: first });
      }
      const track: Track = {
        id: Number(row.id),
        deviceId: row.device_id,
        source: row.source,
        key: row.track_key,
        label: row.label,
        subLabel: row.sub_label,
        vendorCode: row.vendor_code,
        score: row.score,
        box: row.box as Box | null,
        stationary: row.stationary,
        zones,
        firstSourceAt: first,
        clockOffset: 0,
        firstAt: first,
        lastAt: row.last_at.getTime(),
        endedAt: row.ended_at?.getTime() ?? null,
        endReason: row.end_reason,
        updates: row.updates,
        writtenAt: row.last_at.getTime(),
        rule: this.rules.find((r) => r.id === row.rule_id) ?? null,
        matchedZone: null,
        eventId: row.event_id === null ? null : Number(row.event_id),
        eventState: row.event_id !== null ? 'done' : row.event_error ? 'failed' : 'none',
        eventTriedAt: 0,
        reminderAllowed: row.reminder_allowed === true,
        snapshot: null,
        matchedAt: 0,
        complianceAt: now,
      };
      this.tracks.set(trackMapKey(track.deviceId, track.source, track.key), track);
    }
    this.timer = setInterval(() => void this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** Stops the sweep; resolves when queued messages and events are done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.settled();
  }

  async settled(): Promise<void> {
    do {
      await this.chain;
      await this.evidenceWork.idle();
      await this.events.idle();
    } while (this.evidenceWork.size || this.events.size);
    await this.chain;
  }

  async reloadRules(): Promise<void> {
    this.rules = (await videoRepo.activeRules(this.app.db)).sort(byPriority);
  }

  /** Reloads cameras (all, or the given ones after an edit of their settings or zones). */
  async reloadCameras(ids?: number[]): Promise<void> {
    const rows = await videoRepo.cameras(this.app.db, ids);
    const zones = await videoRepo.zones(
      this.app.db,
      rows.map((r) => r.device_id),
    );
    for (const id of ids ?? [...this.byId.keys()]) this.forget(id);
    for (const row of rows) {
      const entry: CameraEntry = { ...row, zones: zones.filter((z) => z.device_id === row.device_id) };
      this.forget(row.device_id);
      this.byId.set(row.device_id, entry);
      this.byName.set(row.source_name, entry);
      if (row.push_token_hash) this.byPushToken.set(row.push_token_hash, entry);
    }
    this.indexNvrChannels();
  }

  private indexNvrChannels() {
    this.byNvrChannel = new Map();
    this.nvrUrls = new Set();
    for (const entry of this.byId.values()) {
      if (entry.nvr_channel === null) continue;
      const url = entry.push_via ?? entry.device_id;
      this.byNvrChannel.set(`${url}:${entry.nvr_channel}`, entry);
      this.nvrUrls.add(url);
    }
  }

  private forget(id: number) {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.byName.delete(entry.source_name);
    if (entry.push_token_hash) this.byPushToken.delete(entry.push_token_hash);
  }

  cameraByPushToken(token: string): CameraEntry | undefined {
    return this.byPushToken.get(hashAccessToken(token));
  }

  /**
   * Attributes a vendor push to cameras: an NVR pushes all its channels to the URL of one camera, so
   * when cameras are registered with channels of that URL, each detection goes to the camera of its
   * channel, and a channel without one refuses the message. Otherwise everything is the URL's camera.
   */
  routeChannels(urlCamera: CameraEntry, parsed: Parsed): Parsed {
    if (!parsed.ok || !this.nvrUrls.has(urlCamera.device_id)) return parsed;
    const detections: Detection[] = [];
    for (const detection of parsed.detections) {
      const camera = detection.channel === undefined ? undefined : this.byNvrChannel.get(`${urlCamera.device_id}:${detection.channel}`);
      if (!camera) {
        const channel = detection.channel === undefined ? 'no channel' : `channel ${detection.channel}`;
        return { ok: false, refusal: { code: 'VIDEO_NVR_CHANNEL_UNKNOWN', detail: `${channel}: no camera is registered with it on the NVR pushing to the URL of "${urlCamera.name}"`, camera: urlCamera.source_name } };
      }
      detections.push({ ...detection, camera: { deviceId: camera.device_id } });
    }
    return { ok: true, detections };
  }

  camera(id: number): CameraEntry | undefined {
    return this.byId.get(id);
  }

  /** Cameras whose built-in detector is on. */
  detectorCameras(): CameraEntry[] {
    return [...this.byId.values()].filter((c) => c.detector_enabled && c.ai_enabled);
  }

  /**
   * One message's detections. Cameras are resolved at once, so that the caller (HTTP) can answer a
   * refusal; the detections are then handled in arrival order.
   */
  receive(detections: Detection[], origin: { source: string; remote?: string | null }): { ok: true; accepted: number } | { ok: false; refusal: Refusal } {
    this.stats.messages++;
    const resolved: [Detection, CameraEntry][] = [];
    for (const detection of detections) {
      const ref = detection.camera;
      const camera = 'deviceId' in ref ? this.byId.get(ref.deviceId) : this.byName.get(ref.name);
      const name = 'name' in ref ? ref.name : camera?.source_name;
      if (!camera) return this.refuse({ code: 'VIDEO_CAMERA_UNKNOWN', detail: `no camera is set up for video AI under the name "${name}"`, camera: name }, origin);
      if (!camera.ai_enabled) return this.refuse({ code: 'VIDEO_CAMERA_UNKNOWN', detail: `camera "${camera.name}" has video AI switched off`, camera: name }, origin);
      resolved.push([detection, camera]);
    }
    const receivedAt = Date.now();
    this.stats.detections += resolved.length;
    for (const [detection, camera] of resolved) this.enqueue(() => this.process(detection, camera, receivedAt));
    return { ok: true, accepted: resolved.length };
  }

  /** Counts and records a refused message (HTTP answers it too; MQTT has no one to answer). */
  refuse(refusal: Refusal, origin: { source: string; remote?: string | null }): { ok: false; refusal: Refusal } {
    this.stats.refused[refusal.code] = (this.stats.refused[refusal.code] ?? 0) + 1;
    this.enqueue(() => videoRepo.insertRefusal(this.app.db, { source: origin.source, code: refusal.code, camera: refusal.camera ?? null, detail: refusal.detail.slice(0, 300), remote: origin.remote ?? null }));
    return { ok: false, refusal };
  }

  private enqueue(work: () => Promise<void>) {
    this.chain = this.chain.then(work).catch((error: unknown) => this.app.log.error({ err: error }, 'video intake work failed'));
  }

  private async process(d: Detection, camera: CameraEntry, receivedAt: number): Promise<void> {
    const mapKey = trackMapKey(camera.device_id, d.source, d.trackKey);
    let track = this.tracks.get(mapKey);
    if (track && track.endedAt !== null && receivedAt - track.endedAt > this.options.dedupeWindowMs) {
      this.tracks.delete(mapKey);
      track = undefined;
    }
    if (!track) {
      // The end of an object we never saw open (e.g. it never entered a zone): nothing to close.
      if (d.phase === 'end') return;
      track = this.newTrack(d, camera, receivedAt);
      this.tracks.set(mapKey, track);
    }
    let changed = this.apply(track, d, camera, receivedAt);
    const gone = d.phase === 'end' && track.endedAt === null;
    if (gone) {
      track.endedAt = receivedAt;
      track.endReason = 'gone';
      changed = true;
    } else if (d.phase !== 'end' && track.endedAt !== null) {
      track.endedAt = null;
      track.endReason = null;
      changed = true;
    }
    const matched = this.tryMatch(track, d.at);
    await this.persist(track, camera, changed || matched, receivedAt);
    if (matched) {
      track.matchedAt = receivedAt;
      this.queueEvent(track, camera);
    }
    if (track.eventId !== null && track.reminderAllowed) {
      if (gone) await this.observe(track, camera, false, receivedAt);
      else if (!track.endedAt && receivedAt - track.complianceAt >= this.options.recheckMs) await this.observe(track, camera, true, receivedAt);
    }
  }

  private newTrack(d: Detection, camera: CameraEntry, receivedAt: number): Track {
    return {
      id: null,
      deviceId: camera.device_id,
      source: d.source,
      key: d.trackKey,
      label: d.label,
      subLabel: d.subLabel,
      vendorCode: d.vendorCode,
      score: d.score,
      box: d.box,
      stationary: d.stationary ?? false,
      zones: new Map(),
      firstSourceAt: d.startedAt,
      clockOffset: receivedAt - d.at,
      firstAt: receivedAt,
      lastAt: receivedAt,
      endedAt: null,
      endReason: null,
      updates: 0,
      writtenAt: 0,
      rule: null,
      matchedZone: null,
      eventId: null,
      eventState: 'none',
      eventTriedAt: 0,
      reminderAllowed: false,
      snapshot: null,
      matchedAt: 0,
      complianceAt: 0,
    };
  }

  /** Takes the message's facts into the track; true when something a reader of the row cares about changed. */
  private apply(track: Track, d: Detection, camera: CameraEntry, receivedAt: number): boolean {
    // A plate read (the sub-label) is written at once: the reminder looks its owner up from the row.
    const before = { zones: [...track.zones.keys()].join(','), stationary: track.stationary, label: track.label, subLabel: track.subLabel };
    const stationary = d.stationary ?? (d.box && track.box && track.updates > 0 ? iou(d.box, track.box) > stillOverlap : null);
    if (stationary !== null) track.stationary = stationary;
    track.label = d.label;
    track.subLabel = d.subLabel ?? track.subLabel;
    if (d.score !== null) track.score = Math.max(track.score ?? 0, d.score);
    track.box = d.box ?? track.box;
    track.snapshot = d.snapshot ?? track.snapshot;
    track.clockOffset = receivedAt - d.at;
    track.lastAt = receivedAt;
    track.updates++;
    if (d.phase !== 'end') {
      const present = zonesOf(camera, d);
      for (const name of [...track.zones.keys()]) if (!present.has(name)) track.zones.delete(name);
      // An object already in the zone when first seen has been there since the source first saw it.
      for (const [name, type] of present) if (!track.zones.has(name)) track.zones.set(name, { name, type, since: track.updates === 1 ? d.startedAt : d.at });
    }
    return before.zones !== [...track.zones.keys()].join(',') || before.stationary !== track.stationary || before.label !== track.label || before.subLabel !== track.subLabel;
  }

  /** The first rule that holds for an open track without one; `sourceNow` on the source's clock. */
  private tryMatch(track: Track, sourceNow: number): boolean {
    if (track.rule || track.endedAt !== null || !this.rules.length) return false;
    const match = matchRule(
      this.rules,
      { label: track.label, vendorCode: track.vendorCode, score: track.score, stationary: track.stationary, firstAt: track.firstSourceAt, now: sourceNow, zones: [...track.zones.values()] },
      (zoneName) => this.companions(track, zoneName),
    );
    if (!match) return false;
    track.rule = match.rule;
    track.matchedZone = match.zone?.name ?? null;
    return true;
  }

  private companions(track: Track, zoneName: string): string[] {
    const labels: string[] = [];
    for (const other of this.tracks.values()) if (other !== track && other.deviceId === track.deviceId && other.endedAt === null && other.zones.has(zoneName)) labels.push(other.label);
    return labels;
  }

  /**
   * A row once the object matters (in a zone, a vendor alarm, or matched); then on changes, the end,
   * and otherwise at most every `writeEveryMs` (last seen).
   */
  private async persist(track: Track, camera: CameraEntry, changed: boolean, now: number): Promise<void> {
    const columns = {
      label: track.label,
      sub_label: track.subLabel,
      vendor_code: track.vendorCode,
      score: track.score,
      box: track.box ? JSON.stringify(track.box) : null,
      zones: [...track.zones.keys()],
      stationary: track.stationary,
      last_at: new Date(track.lastAt),
      ended_at: track.endedAt === null ? null : new Date(track.endedAt),
      end_reason: track.endReason,
      updates: track.updates,
      rule_id: track.rule?.id ?? null,
      category_code: track.rule?.categoryCode ?? null,
    };
    if (track.id === null) {
      if (!track.zones.size && track.vendorCode === null && !track.rule) return;
      track.id = await videoRepo.insertDetection(this.app.db, { ...columns, device_id: track.deviceId, source: track.source, track_key: track.key, first_at: new Date(track.firstAt), division_code: camera.division_code });
    } else if (changed || now - track.writtenAt >= this.options.writeEveryMs) {
      await videoRepo.updateDetection(this.app.db, track.id, columns);
    } else {
      return;
    }
    track.writtenAt = now;
    this.stats.rowsWritten++;
  }

  private queueEvent(track: Track, camera: CameraEntry) {
    track.eventState = 'pending';
    track.eventTriedAt = Date.now();
    this.evidenceWork.push(async () => {
      const evidence = await this.storedEvidence(track, camera);
      this.events.push(() => this.openEvent(track, camera, evidence));
    });
  }

  /** The evidence frame fetched (no transaction open) and stored; or why there is none. */
  private async storedEvidence(track: Track, camera: CameraEntry): Promise<{ fileId: number | null; error: string | null }> {
    const evidence = await this.evidence(track.snapshot, camera);
    let error = evidence.ok ? null : evidence.error;
    let fileId: number | null = null;
    if (evidence.ok) {
      try {
        fileId = await storeEvidence(this.app, evidence.bytes, { deviceId: camera.device_id, divisionCode: camera.division_code, detectionId: track.id! }, new Date());
      } catch (failure) {
        error = `SNAPSHOT_STORE_FAILED: ${(failure as { code?: string }).code ?? (failure as Error).message}`;
      }
    }
    if (error) {
      this.stats.snapshotErrors++;
      await videoRepo.setSnapshotError(this.app.db, camera.device_id, error, new Date());
    }
    return { fileId, error };
  }

  /** The event with its evidence; a failure is kept on the detection row and retried by the sweep. */
  private async openEvent(track: Track, camera: CameraEntry, evidence: { fileId: number | null; error: string | null }): Promise<void> {
    const rule = track.rule!;
    const detectionId = track.id!;
    const evidenceFileId = evidence.fileId;
    const snapshotError = evidence.error;
    let eventError: string | null = null;
    try {
      const category = await videoRepo.categoryReminder(this.app.db, rule.categoryCode);
      track.reminderAllowed = category?.reminder_allowed === true;
      const zone = track.matchedZone ? (track.zones.get(track.matchedZone) ?? null) : null;
      const sourceNow = Date.now() - track.clockOffset;
      track.eventId = await openAiEvent(this.app, {
        detectionId,
        categoryCode: rule.categoryCode,
        ruleName: rule.name,
        label: track.label,
        zone: zone ? { name: zone.name, type: zone.type } : null,
        dwellSeconds: Math.round((sourceNow - (zone?.since ?? track.firstSourceAt)) / 1000),
        evidenceFileId,
        camera: { deviceId: camera.device_id, name: camera.name, address: camera.address, lng: camera.lng, lat: camera.lat, divisionCode: camera.division_code },
        reminderFirst: track.reminderAllowed,
      });
      if (track.reminderAllowed) await this.complianceSink.eventOpened(track.eventId);
      track.eventState = 'done';
      track.complianceAt = Date.now();
      this.stats.eventsOpened++;
      this.stats.eventLatencyMs.push(Date.now() - track.matchedAt);
      if (this.stats.eventLatencyMs.length > 1_000) this.stats.eventLatencyMs.shift();
    } catch (error) {
      track.eventState = 'failed';
      this.stats.eventErrors++;
      eventError = `${(error as { code?: string }).code ?? 'INTERNAL'}: ${(error as Error).message}`.slice(0, 300);
      this.app.log.warn({ err: error, detectionId }, 'video AI event not opened');
    }
    await videoRepo.updateDetection(this.app.db, detectionId, { event_id: track.eventId, event_error: eventError, snapshot_file_id: evidenceFileId, snapshot_error: snapshotError });
    this.app.realtime.publish({ type: 'video.detection', divisionCode: camera.division_code, data: { id: detectionId, deviceId: camera.device_id, eventId: track.eventId, categoryCode: rule.categoryCode } });
    // The object went while the event was being opened: that is the first compliance observation.
    if (track.eventId !== null && track.reminderAllowed && track.endReason === 'gone') this.enqueue(() => this.observe(track, camera, false, track.endedAt!));
  }

  /** The evidence frame: the message's own image, its URL, Frigate's API, else the camera's snapshot URL. */
  private async evidence(source: SnapshotSource | null, camera: CameraEntry): Promise<Fetched> {
    const limits = this.options.snapshot;
    if (source?.kind === 'bytes') return source.bytes.length > limits.maxBytes ? { ok: false, error: `SNAPSHOT_TOO_LARGE: ${source.bytes.length} bytes` } : sniffImage(source.bytes);
    const urls: string[] = [];
    if (source?.kind === 'url') urls.push(source.url);
    if (source?.kind === 'frigate' && camera.frigate_url) {
      const base = camera.frigate_url.replace(/\/+$/, '');
      // While the object is tracked Frigate renders its best frame even before a snapshot is stored.
      urls.push(`${base}/api/events/${encodeURIComponent(source.eventId)}/snapshot.jpg?bbox=1`, `${base}/api/${encodeURIComponent(source.camera)}/latest.jpg`);
    }
    if (camera.snapshot_url) urls.push(camera.snapshot_url);
    if (!urls.length) return { ok: false, error: 'SNAPSHOT_NONE: no image in the message and no snapshot URL for the camera' };
    let first: Fetched | undefined;
    for (const url of urls) {
      const fetched = await fetchImage(url, limits);
      if (fetched.ok) return fetched;
      first ??= fetched;
    }
    return first!;
  }

  private async observe(track: Track, camera: CameraEntry, stillThere: boolean, at: number): Promise<void> {
    track.complianceAt = at;
    const observation: ComplianceObservation = { eventId: track.eventId!, detectionId: track.id!, deviceId: camera.device_id, cameraName: camera.name, zoneName: track.matchedZone, label: track.label, source: track.source, at: new Date(at) };
    try {
      await (stillThere ? this.complianceSink.objectStillThere(observation) : this.complianceSink.objectGone(observation));
    } catch (error) {
      this.app.log.error({ err: error, eventId: track.eventId }, 'compliance observation failed');
    }
  }

  /**
   * Every few seconds: rules with a dwell time hold without a new message (the clock moved on), tracks
   * silent for `staleMs` are closed as stale (not "gone": nobody saw it leave), failed events are
   * retried after a minute, and tracks past the de-duplication window are forgotten.
   */
  sweep(now = Date.now()): Promise<void> {
    const work = async () => {
      for (const [mapKey, track] of this.tracks) {
        const camera = this.byId.get(track.deviceId);
        if (track.endedAt !== null) {
          if (now - track.endedAt > this.options.dedupeWindowMs) this.tracks.delete(mapKey);
          continue;
        }
        if (!camera) continue;
        if (now - track.lastAt > this.options.staleMs) {
          track.endedAt = now;
          track.endReason = 'stale';
          await this.persist(track, camera, true, now);
          continue;
        }
        if (this.tryMatch(track, now - track.clockOffset)) {
          await this.persist(track, camera, true, now);
          track.matchedAt = now;
          this.queueEvent(track, camera);
        } else if (track.eventState === 'failed' && now - track.eventTriedAt > 60_000) {
          this.queueEvent(track, camera);
        }
      }
      this.stats.tracksOpen = [...this.tracks.values()].filter((t) => t.endedAt === null).length;
    };
    this.enqueue(work);
    return this.chain;
  }

  snapshot(): Omit<VideoStats, 'eventLatencyMs'> & { eventLatencyP50Ms: number | null; eventLatencyP99Ms: number | null; cameras: number; rules: number } {
    const sorted = [...this.stats.eventLatencyMs].sort((a, b) => a - b);
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : null);
    const { eventLatencyMs: _latencies, ...counters } = this.stats;
    return { ...counters, refused: { ...this.stats.refused }, eventLatencyP50Ms: at(0.5), eventLatencyP99Ms: at(0.99), cameras: this.byId.size, rules: this.rules.length };
  }
}

/**
 * The camera zones a detection is in: those the source names (matched by zone name, or by a zone type
 * used as a name, e.g. Frigate's `no_parking`), else those holding the bottom-centre of its box.
 */
export function zonesOf(camera: CameraEntry, d: Pick<Detection, 'zoneNames' | 'box'>): Map<string, ZoneType> {
  const zones = new Map<string, ZoneType>();
  if (d.zoneNames) {
    for (const name of d.zoneNames) {
      const zone = camera.zones.find((z) => z.name === name) ?? camera.zones.find((z) => z.zone_type === name);
      if (zone) zones.set(zone.name, zone.zone_type);
      // A Frigate zone named after a type, with nothing drawn here: the source's polygon is trusted.
      else if ((zoneTypes as readonly string[]).includes(name)) zones.set(name, name as ZoneType);
    }
    return zones;
  }
  if (!d.box) return zones;
  for (const zone of camera.zones) {
    if (pointInPolygon(groundPoint(d.box, zone.image_width, zone.image_height), zone.polygon)) zones.set(zone.name, zone.zone_type);
  }
  return zones;
}
