import type { FastifyInstance } from 'fastify';
import type { ClearReason, Severity } from './devices.tables.ts';
import { effectiveRules, step, wantsEvent, type Pending, type Rule } from './alarm-rules.ts';
import { decodeJson, parseGatewayReadings, parseReadings, type Reading, type Rejection, type TelemetryLimits } from './telemetry-payload.ts';
import { TokenBucket } from './token-bucket.ts';
import { hashAccessToken, isGateway, toReportingDevice, type ReportingDevice } from './reporting-device.ts';
import { ingestRepo, type AlarmChange, type DeviceUpdate, type PendingRow, type TelemetryRow } from './ingest.repo.ts';
import { alarmSummary, clearedNote, iotReporterName, noteOnEvent, openAlarmEvent } from './alarm-events.ts';

/**
 * The telemetry intake: every message from MQTT (embedded broker or external) and HTTP comes here.
 *
 * The hot path is memory only: the device is found by its token hash in a cache, the message is
 * checked, counted against the device's rate, and every reading is judged by the device's rules
 * against the alarm state kept in memory. Writes are batched: every `flushMs` (or sooner when
 * `maxBatchRows` readings wait) one transaction inserts the readings, updates the devices' last-seen
 * and status, the pending rule counts, and the alarms that opened, changed or cleared. Events for
 * alarms are opened after the batch commits, one at a time, off the hot path.
 *
 * Restart-safe: active alarms, pending counts and last-seen times are in the database and loaded on
 * start. One intake per database: with several API nodes on one PostgreSQL, run the intake (broker) on one.
 */
export interface IntakeOptions {
  flushMs: number;
  maxBatchRows: number;
  /** Readings waiting for a flush beyond which new messages are refused (the database is not keeping up). */
  maxBufferedRows: number;
  ratePerSecond: number;
  burst: number;
  offlineFactor: number;
  defaultIntervalSeconds: number;
  limits: TelemetryLimits;
}

export const defaultLimits: TelemetryLimits = { maxFutureMs: 5 * 60_000, maxPastMs: 7 * 86_400_000 };

export type IntakeProblem = Rejection['code'] | 'TELEMETRY_RATE_LIMITED' | 'TELEMETRY_BUSY' | 'GATEWAY_DEVICE_UNKNOWN' | 'NOT_A_GATEWAY';
export type Outcome = { ok: true; readings: number } | { ok: false; code: IntakeProblem; detail: string };

/** An alarm as the intake keeps it; `id` is null until the flush that inserts it. */
interface AlarmRecord {
  id: number | null;
  deviceId: number;
  alarmType: string;
  rule: Rule | null;
  severity: Severity;
  count: number;
  startedAt: number;
  lastAt: number;
  details: Record<string, unknown>;
  eventId: number | null;
  eventQueued: boolean;
  severityChanged: boolean;
}

type JournalEntry = { op: 'open'; alarm: AlarmRecord } | { op: 'clear'; alarm: AlarmRecord; at: number; reason: ClearReason; by: string };

export const offlineAlarm = 'offline';
/** How often a reporting device's last-seen time is written at most. */
const lastSeenWriteMs = 10_000;
const alarmKey = (deviceId: number, alarmType: string) => `${deviceId}:${alarmType}`;

export interface IntakeStats {
  messages: number;
  accepted: number;
  readingsStored: number;
  rejected: Record<string, number>;
  flushes: number;
  flushErrors: number;
  lastFlushMs: number;
  buffered: number;
  devices: number;
  activeAlarms: number;
}

export class DeviceIntake {
  private readonly byId = new Map<number, ReportingDevice>();
  private readonly byToken = new Map<string, ReportingDevice>();
  /** Sub-devices by `<gateway id>:<serial>`: the names gateway messages use. */
  private readonly byGatewaySerial = new Map<string, ReportingDevice>();
  private rulesByKind = new Map<string, Rule[]>();
  private readonly active = new Map<string, AlarmRecord>();
  private readonly pending = new Map<string, Pending>();

  // What the next flush writes.
  private rows: TelemetryRow[] = [];
  private devicesTouched = new Map<number, DeviceUpdate>();
  private pendingChanges = new Map<string, PendingRow | { deviceId: number; alarmType: string; removed: true }>();
  private journal: JournalEntry[] = [];
  private alarmsChanged = new Set<AlarmRecord>();

  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private timer: NodeJS.Timeout | undefined;
  /** Event work (opening events, timeline notes), one at a time after the batches that caused it. */
  private eventWork: Promise<void> = Promise.resolve();
  /** Where MQTT telemetry comes from (set when the MQTT intake starts). */
  transport: string | null = null;
  readonly stats: IntakeStats = { messages: 0, accepted: 0, readingsStored: 0, rejected: {}, flushes: 0, flushErrors: 0, lastFlushMs: 0, buffered: 0, devices: 0, activeAlarms: 0 };

  constructor(
    private readonly app: FastifyInstance,
    private readonly options: IntakeOptions,
  ) {}

  async start(): Promise<void> {
    await this.reloadRules();
    await this.refresh();
    const rulesById = new Map([...this.rulesByKind.values()].flat().map((r) => [r.id, r]));
    for (const row of await ingestRepo.activeAlarms(this.app.db)) {
      const record: AlarmRecord = {
        id: Number(row.id),
        deviceId: row.device_id,
        alarmType: row.alarm_type,
        rule: row.rule_id === null ? null : (rulesById.get(row.rule_id) ?? null),
        severity: row.severity,
        count: row.count,
        startedAt: row.started_at.getTime(),
        lastAt: row.last_at.getTime(),
        details: row.details,
        eventId: row.event_id === null ? null : Number(row.event_id),
        eventQueued: false,
        severityChanged: false,
      };
      this.active.set(alarmKey(row.device_id, row.alarm_type), record);
    }
    for (const row of await ingestRepo.pending(this.app.db)) this.pending.set(alarmKey(row.device_id, row.alarm_type), { matches: row.matches, since: row.since.getTime() });
    this.timer = setInterval(() => void this.flush(), this.options.flushMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what is waiting; resolves when pending event work is done too. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.eventWork;
  }

  /** The device a token belongs to (MQTT username, HTTP path, external topic). */
  deviceByToken(token: string): ReportingDevice | undefined {
    return this.byToken.get(hashAccessToken(token));
  }

  deviceById(id: number): ReportingDevice | undefined {
    return this.byId.get(id);
  }

  /** A message under a token nobody holds (external broker: the broker cannot refuse it for us). */
  countUnknownToken() {
    this.stats.messages++;
    this.stats.rejected.DEVICE_TOKEN_UNKNOWN = (this.stats.rejected.DEVICE_TOKEN_UNKNOWN ?? 0) + 1;
  }

  /**
   * One message of a device (`topic` device) or of a gateway for its sub-devices. The payload is the
   * raw bytes (MQTT, HTTP) or already decoded JSON.
   */
  receive(device: ReportingDevice, topic: 'device' | 'gateway', payload: Buffer | string, now = Date.now()): Outcome {
    this.stats.messages++;
    if (this.rows.length >= this.options.maxBufferedRows) return this.refuse(device, 'TELEMETRY_BUSY', `${this.rows.length} readings waiting`, now);
    if (topic === 'device' && !device.bucket.take(now)) return this.refuse(device, 'TELEMETRY_RATE_LIMITED', `${this.options.ratePerSecond}/s`, now);
    const json = decodeJson(payload);
    if (!json.ok) return this.refuse(device, json.rejection.code, json.rejection.detail, now);
    if (topic === 'device') {
      const parsed = parseReadings(json.value, now, this.options.limits);
      if (!parsed.ok) return this.refuse(device, parsed.rejection.code, parsed.rejection.detail, now);
      this.accept(device, parsed.value, now);
      return { ok: true, readings: parsed.value.length };
    }
    if (!isGateway(device)) return this.refuse(device, 'NOT_A_GATEWAY', device.name, now);
    const parsed = parseGatewayReadings(json.value, now, this.options.limits);
    if (!parsed.ok) return this.refuse(device, parsed.rejection.code, parsed.rejection.detail, now);
    const children = new Map<ReportingDevice, Reading[]>();
    for (const [serial, readings] of parsed.value) {
      const child = this.childOf(device, serial);
      if (!child) return this.refuse(device, 'GATEWAY_DEVICE_UNKNOWN', serial, now);
      children.set(child, readings);
    }
    let accepted = 0;
    this.seen(device, now);
    // Each sub-device's part is its own message: one over its rate loses its part only.
    for (const [child, readings] of children) {
      if (!child.bucket.take(now)) {
        this.refuse(child, 'TELEMETRY_RATE_LIMITED', `${this.options.ratePerSecond}/s`, now);
        continue;
      }
      this.accept(child, readings, now);
      accepted += readings.length;
    }
    return { ok: true, readings: accepted };
  }

  private childOf(gateway: ReportingDevice, serial: string): ReportingDevice | undefined {
    return this.byGatewaySerial.get(`${gateway.id}:${serial}`);
  }

  private refuse(device: ReportingDevice, code: IntakeProblem, detail: string, now: number): Outcome {
    this.stats.rejected[code] = (this.stats.rejected[code] ?? 0) + 1;
    const update = this.touch(device);
    update.rejected++;
    update.error = `${code}: ${detail}`.slice(0, 300);
    update.errorAt = now;
    return { ok: false, code, detail };
  }

  private touch(device: ReportingDevice): DeviceUpdate {
    let update = this.devicesTouched.get(device.id);
    if (!update) {
      update = { id: device.id, seenAt: null, status: device.status, rejected: 0, error: null, errorAt: null };
      this.devicesTouched.set(device.id, update);
    }
    return update;
  }

  /** A message arrived: the device is online, and an offline alarm it had is cleared. */
  private seen(device: ReportingDevice, now: number) {
    device.lastSeenMs = now;
    const cameOnline = device.status === 'offline';
    // The database's last-seen time may lag the cache by a few seconds: one row update per device
    // every few seconds instead of one per message (the silence check reads the cache).
    if (!cameOnline && now - device.lastSeenWrittenMs < lastSeenWriteMs) return;
    device.lastSeenWrittenMs = now;
    const update = this.touch(device);
    update.seenAt = now;
    if (cameOnline) {
      device.status = 'online';
      update.status = 'online';
      const offline = this.active.get(alarmKey(device.id, offlineAlarm));
      if (offline) this.clear(offline, now, 'online', iotReporterName);
    }
  }

  private accept(device: ReportingDevice, readings: Reading[], now: number) {
    this.stats.accepted++;
    this.seen(device, now);
    for (const reading of readings) this.rows.push({ deviceId: device.id, ts: reading.ts, values: reading.values });
    for (const reading of readings.length > 1 ? [...readings].sort((a, b) => a.ts - b.ts) : readings) {
      if (reading.ts <= device.lastJudgedTs && reading.ts !== now) continue;
      device.lastJudgedTs = Math.max(device.lastJudgedTs, reading.ts);
      this.judge(device, reading);
    }
    if (this.rows.length >= this.options.maxBatchRows && !this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => void this.flush());
    }
  }

  /** Every rule of the device whose key the reading carries moves its alarm state. */
  private judge(device: ReportingDevice, reading: Reading) {
    for (const rule of device.rules) {
      const x = reading.values[rule.key];
      if (x === undefined) continue;
      const key = alarmKey(device.id, rule.alarmType);
      const active = this.active.get(key);
      const result = step(rule, x, reading.ts, this.pending.get(key) ?? null, active?.severity ?? null);
      const level = (severity: Severity) => rule.levels.find((l) => l.severity === severity);
      switch (result.action) {
        case 'none':
          this.setPending(device.id, rule.alarmType, result.pending);
          break;
        case 'open': {
          this.setPending(device.id, rule.alarmType, null);
          const { severity: _s, ...condition } = level(result.severity)!;
          this.open(device, rule.alarmType, rule, result.severity, reading.ts, { key: rule.key, value: x, condition });
          break;
        }
        case 'extend': {
          const record = active!;
          const { severity: _s, ...condition } = level(result.severity)!;
          record.count++;
          record.lastAt = Math.max(record.lastAt, reading.ts);
          record.severityChanged ||= record.severity !== result.severity;
          record.severity = result.severity;
          record.details = { key: rule.key, value: x, condition };
          this.alarmsChanged.add(record);
          break;
        }
        case 'clear':
          this.clear(active!, reading.ts, 'condition', iotReporterName, { key: rule.key, value: x });
          break;
      }
    }
  }

  private setPending(deviceId: number, alarmType: string, next: Pending | null) {
    const key = alarmKey(deviceId, alarmType);
    const current = this.pending.get(key);
    if (!next && !current) return;
    if (next) {
      this.pending.set(key, next);
      this.pendingChanges.set(key, { deviceId, alarmType, matches: next.matches, since: next.since });
    } else {
      this.pending.delete(key);
      this.pendingChanges.set(key, { deviceId, alarmType, removed: true });
    }
  }

  private open(device: ReportingDevice, alarmType: string, rule: Rule | null, severity: Severity, at: number, details: Record<string, unknown>) {
    const record: AlarmRecord = { id: null, deviceId: device.id, alarmType, rule, severity, count: 1, startedAt: at, lastAt: at, details, eventId: null, eventQueued: false, severityChanged: false };
    this.active.set(alarmKey(device.id, alarmType), record);
    this.journal.push({ op: 'open', alarm: record });
  }

  private clear(record: AlarmRecord, at: number, reason: ClearReason, by: string, details?: Record<string, unknown>) {
    this.active.delete(alarmKey(record.deviceId, record.alarmType));
    if (details) record.details = { ...record.details, clearedBy: details };
    this.journal.push({ op: 'clear', alarm: record, at: Math.max(at, record.lastAt), reason, by });
  }

  /**
   * Devices silent for longer than their interval × the tolerance factor go offline with an `offline`
   * alarm (severity warning). `now` is a parameter so that tests can move the clock.
   */
  checkSilence(now = Date.now()): number {
    let marked = 0;
    for (const device of this.byId.values()) {
      if (device.status !== 'online' || device.lastSeenMs === null) continue;
      const interval = device.intervalSeconds ?? this.options.defaultIntervalSeconds;
      const allowed = interval * 1000 * this.options.offlineFactor;
      if (now - device.lastSeenMs <= allowed) continue;
      device.status = 'offline';
      this.touch(device).status = 'offline';
      if (!this.active.has(alarmKey(device.id, offlineAlarm))) {
        this.open(device, offlineAlarm, null, 'warning', now, { lastSeenAt: new Date(device.lastSeenMs).toISOString(), intervalSeconds: interval, factor: this.options.offlineFactor });
      }
      marked++;
    }
    return marked;
  }

  /** Writes what waits; concurrent calls queue behind the running one. */
  flush(): Promise<void> {
    this.flushQueued = false;
    this.flushing = this.flushing.then(() => this.flushOnce()).catch((error: unknown) => {
      this.stats.flushErrors++;
      this.app.log.error({ err: error }, 'telemetry flush failed');
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const rows = this.rows;
    const devices = this.devicesTouched;
    const pendingChanges = this.pendingChanges;
    const journal = this.journal;
    const changed = this.alarmsChanged;
    if (!rows.length && !devices.size && !pendingChanges.size && !journal.length && !changed.size) return;
    this.rows = [];
    this.devicesTouched = new Map();
    this.pendingChanges = new Map();
    this.journal = [];
    this.alarmsChanged = new Set();

    const started = performance.now();
    const telemetry = mergeSameInstant(rows);
    const inserted = new Map<AlarmRecord, number>();
    try {
      await this.app.db.transaction().execute(async (trx) => {
        await ingestRepo.insertTelemetry(trx, telemetry);
        await ingestRepo.updateDevices(trx, [...devices.values()]);
        const changes = [...pendingChanges.values()];
        await ingestRepo.savePending(
          trx,
          changes.filter((c): c is PendingRow => !('removed' in c)),
          changes.filter((c) => 'removed' in c),
        );
        for (const entry of journal) {
          const alarm = entry.alarm;
          const id = alarm.id ?? inserted.get(alarm);
          if (entry.op === 'open') {
            const device = this.byId.get(alarm.deviceId);
            inserted.set(alarm, await ingestRepo.openAlarm(trx, { deviceId: alarm.deviceId, alarmType: alarm.alarmType, ruleId: alarm.rule?.id ?? null, severity: alarm.severity, count: alarm.count, startedAt: alarm.startedAt, lastAt: alarm.lastAt, details: alarm.details, divisionCode: device?.divisionCode ?? '' }));
          } else if (id !== undefined) {
            await ingestRepo.clearAlarm(trx, id, entry.at, entry.reason, entry.by, changeOf(alarm));
          }
        }
        const updates: AlarmChange[] = [];
        for (const alarm of changed) {
          const id = alarm.id ?? inserted.get(alarm);
          if (id !== undefined) updates.push({ id, ...changeOf(alarm) });
        }
        await ingestRepo.updateAlarms(trx, updates);
      });
    } catch (error) {
      this.requeue(rows, devices, pendingChanges, journal, changed);
      throw error;
    }
    for (const [alarm, id] of inserted) alarm.id = id;
    this.stats.flushes++;
    this.stats.readingsStored += telemetry.length;
    this.stats.lastFlushMs = Math.round(performance.now() - started);
    this.afterCommit(devices, journal, changed);
  }

  /** A failed batch goes back in front of what arrived meanwhile, to be written by the next flush. */
  private requeue(rows: TelemetryRow[], devices: Map<number, DeviceUpdate>, pendingChanges: DeviceIntake['pendingChanges'], journal: JournalEntry[], changed: Set<AlarmRecord>) {
    if (this.rows.length + rows.length <= this.options.maxBufferedRows) this.rows = [...rows, ...this.rows];
    else this.stats.rejected.TELEMETRY_DROPPED = (this.stats.rejected.TELEMETRY_DROPPED ?? 0) + rows.length;
    for (const [id, update] of devices) {
      const newer = this.devicesTouched.get(id);
      if (!newer) this.devicesTouched.set(id, update);
      else Object.assign(newer, { seenAt: newer.seenAt ?? update.seenAt, rejected: newer.rejected + update.rejected, error: newer.error ?? update.error, errorAt: newer.errorAt ?? update.errorAt });
    }
    for (const [key, change] of pendingChanges) if (!this.pendingChanges.has(key)) this.pendingChanges.set(key, change);
    this.journal = [...journal, ...this.journal];
    for (const alarm of changed) this.alarmsChanged.add(alarm);
  }

  /** Live updates, and the events alarms need: opened now, or grown to the rule's event severity. */
  private afterCommit(devices: Map<number, DeviceUpdate>, journal: JournalEntry[], changed: Set<AlarmRecord>) {
    const realtime = this.app.realtime;
    for (const update of devices.values()) {
      const device = this.byId.get(update.id);
      if (device && update.seenAt !== null) realtime.publish({ type: 'device.seen', divisionCode: device.divisionCode, data: { id: device.id, status: device.status } });
    }
    const touched = new Set<AlarmRecord>(changed);
    for (const entry of journal) {
      const alarm = entry.alarm;
      const device = this.byId.get(alarm.deviceId);
      const divisionCode = device?.divisionCode ?? '';
      if (entry.op === 'open') {
        touched.add(alarm);
        realtime.publish({ type: 'alarm.opened', divisionCode, data: { id: alarm.id, deviceId: alarm.deviceId, alarmType: alarm.alarmType, severity: alarm.severity } });
      } else {
        touched.delete(alarm);
        realtime.publish({ type: 'alarm.cleared', divisionCode, data: { id: alarm.id, deviceId: alarm.deviceId, alarmType: alarm.alarmType, reason: entry.reason } });
        this.queueEventWork(async () => {
          if (alarm.eventId !== null && alarm.id !== null) await noteOnEvent(this.app, alarm.eventId, clearedNote(alarm.rule, entry.reason, entry.by), alarm.id);
        });
      }
    }
    for (const alarm of touched) {
      if (alarm.severityChanged) realtime.publish({ type: 'alarm.changed', divisionCode: this.byId.get(alarm.deviceId)?.divisionCode ?? '', data: { id: alarm.id, severity: alarm.severity } });
      alarm.severityChanged = false;
      this.requestEvent(alarm);
    }
  }

  private requestEvent(alarm: AlarmRecord) {
    const rule = alarm.rule;
    if (!rule || alarm.id === null || alarm.eventId !== null || alarm.eventQueued || !wantsEvent(rule, alarm.severity)) return;
    alarm.eventQueued = true;
    this.queueEventWork(async () => {
      const device = this.byId.get(alarm.deviceId);
      if (!device || alarm.id === null) return;
      try {
        alarm.eventId = await openAlarmEvent(this.app, rule, { alarmId: alarm.id, severity: alarm.severity, details: alarm.details, device });
        await ingestRepo.setAlarmEvent(this.app.db, alarm.id, alarm.eventId, null);
      } catch (error) {
        // Kept on the alarm; the device scheduler tries again while the alarm is active.
        alarm.eventQueued = false;
        const code = (error as { code?: string }).code ?? 'INTERNAL';
        await ingestRepo.setAlarmEvent(this.app.db, alarm.id, null, `${code}: ${alarmSummary(rule, { severity: alarm.severity, details: alarm.details, device })}`.slice(0, 300));
        throw error;
      }
    });
  }

  /** Retries the events of active alarms whose first try failed (the category was missing, the database busy). */
  retryEvents(): number {
    let queued = 0;
    for (const alarm of this.active.values()) {
      if (alarm.id !== null && alarm.eventId === null && !alarm.eventQueued && alarm.rule && wantsEvent(alarm.rule, alarm.severity)) {
        this.requestEvent(alarm);
        queued++;
      }
    }
    return queued;
  }

  private queueEventWork(work: () => Promise<void>) {
    this.eventWork = this.eventWork.then(work).catch((error: unknown) => this.app.log.error({ err: error }, 'alarm event work failed'));
  }

  /** Resolves when the events and notes queued so far are written (tests, shutdown). */
  async settled(): Promise<void> {
    await this.flush();
    await this.eventWork;
  }

  /** Reloads devices that report (all, or the given ones after an edit): tokens, rules, overrides. */
  async refresh(ids?: number[]): Promise<void> {
    const rows = await ingestRepo.reportingDevices(this.app.db, ids);
    const found = new Set(rows.map((r) => r.id));
    for (const id of ids ?? [...this.byId.keys()]) if (!found.has(id)) this.forgetDevice(id);
    for (const row of rows) {
      const existing = this.byId.get(row.id);
      if (existing) this.forgetDevice(existing.id);
      const device = toReportingDevice(row, this.rulesByKind, existing, () => new TokenBucket(this.options.ratePerSecond, this.options.burst, Date.now()));
      this.byId.set(device.id, device);
      if (device.tokenHash) this.byToken.set(device.tokenHash, device);
      if (device.gatewayId !== null && device.serialNo) this.byGatewaySerial.set(`${device.gatewayId}:${device.serialNo}`, device);
      this.dropStaleAlarms(device);
    }
  }

  private forgetDevice(id: number) {
    const device = this.byId.get(id);
    if (!device) return;
    if (device.tokenHash) this.byToken.delete(device.tokenHash);
    if (device.gatewayId !== null && device.serialNo) this.byGatewaySerial.delete(`${device.gatewayId}:${device.serialNo}`);
    this.byId.delete(id);
  }

  async reloadRules(): Promise<void> {
    const rules = await ingestRepo.rules(this.app.db);
    const byKind = new Map<string, Rule[]>();
    for (const rule of rules) byKind.set(rule.sensorKind, [...(byKind.get(rule.sensorKind) ?? []), rule]);
    this.rulesByKind = byKind;
    for (const device of this.byId.values()) {
      device.rules = effectiveRules(byKind.get(device.sensorKind ?? '') ?? [], device.overrides);
      this.dropStaleAlarms(device);
    }
  }

  /** Alarms and pending counts of rules a device no longer has are ended; active ones take the new rule. */
  private dropStaleAlarms(device: ReportingDevice) {
    const rules = new Map(device.rules.map((r) => [r.alarmType, r]));
    for (const alarm of [...this.active.values()]) {
      if (alarm.deviceId !== device.id || alarm.alarmType === offlineAlarm) continue;
      const rule = rules.get(alarm.alarmType);
      if (rule) alarm.rule = rule;
      else this.clear(alarm, Date.now(), 'rule_removed', iotReporterName);
    }
    for (const key of this.pending.keys()) {
      const [deviceId, alarmType] = key.split(':');
      if (Number(deviceId) === device.id && !rules.has(alarmType!)) this.setPending(device.id, alarmType!, null);
    }
  }

  /** An alarm was cleared through the API: the next trigger opens a new one. */
  forgetAlarm(deviceId: number, alarmType: string, id: number) {
    const key = alarmKey(deviceId, alarmType);
    if (this.active.get(key)?.id === id) this.active.delete(key);
    this.setPending(deviceId, alarmType, null);
  }

  snapshot(): IntakeStats {
    return { ...this.stats, rejected: { ...this.stats.rejected }, buffered: this.rows.length, devices: this.byId.size, activeAlarms: this.active.size };
  }
}

const changeOf = (alarm: AlarmRecord): Omit<AlarmChange, 'id'> => ({ severity: alarm.severity, count: alarm.count, lastAt: alarm.lastAt, details: alarm.details });

/** Readings of one device at one instant in one batch become one row (later values win). */
function mergeSameInstant(rows: TelemetryRow[]): TelemetryRow[] {
  const byKey = new Map<string, TelemetryRow>();
  for (const row of rows) {
    const key = `${row.deviceId}:${row.ts}`;
    const existing = byKey.get(key);
    if (existing) existing.values = { ...existing.values, ...row.values };
    else byKey.set(key, { ...row });
  }
  return [...byKey.values()];
}
