import path from 'node:path';

/** Runtime settings, read once from the environment. Every knob has a safe default for the embedded demo. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** When set, a real PostgreSQL server is used instead of the embedded PGlite database. */
  databaseUrl: string | undefined;
  sessionIdleMinutes: number;
  sessionMaxHours: number;
  loginMaxFailures: number;
  lockoutMinutes: number;
  /** Sign-in attempts per minute from one address. */
  loginRatePerMinute: number;
  uploadMaxBytes: number;
  bodyLimitBytes: number;
  /** Cookies marked Secure only when served over HTTPS (behind a TLS proxy). */
  secureCookies: boolean;
  logLevel: string;
  /** Base64 of the 32-byte key encrypting personal data; unset: generated once into <dataDir>/secret.key. */
  dataKey: string | undefined;
  /** Full ID numbers or phones one user may reveal per day (Asia/Shanghai). */
  revealDailyLimit: number;
  /** Largest registry import file, and most rows in one. */
  importMaxBytes: number;
  importMaxRows: number;
  /** The embedded MQTT broker's port (1884: 1883 is often a system Mosquitto already); 0 picks a free one. */
  mqttPort: number;
  mqttHost: string;
  /** When set (mqtt://host:port), the platform subscribes to this external broker instead of embedding one. */
  mqttUrl: string | undefined;
  /** Telemetry messages per second one device may send on average, and the burst it may send at once. */
  iotDeviceRate: number;
  iotDeviceBurst: number;
  /** How often buffered telemetry is written (ms). */
  iotFlushMs: number;
  /** A device is offline when silent longer than its report interval × this factor. */
  iotOfflineFactor: number;
  /** The report interval of devices that do not state one (ThingsBoard's default inactivity timeout). */
  iotDefaultIntervalSeconds: number;
  /** Telemetry older than this is purged. */
  telemetryRetentionDays: number;
  /** With the demo: simulated sensors publish telemetry over MQTT. */
  iotSimulator: boolean;
  /** Frigate's MQTT topic prefix (`<prefix>/events`). */
  videoFrigatePrefix: string;
  /** The MQTT username and password Frigate uses on the embedded broker; no password: Frigate cannot connect. */
  videoMqttUsername: string;
  videoMqttPassword: string | undefined;
  /** The HMAC-SHA256 secret of the video webhook; unset: the webhook is off. */
  videoWebhookSecret: string | undefined;
  /** Evidence frames: how long to wait for one and how large it may be. */
  videoSnapshotTimeoutMs: number;
  videoSnapshotMaxBytes: number;
  /** A repeat of a detection's key this long after it ended continues the same detection (and event). */
  videoDedupeWindowSeconds: number;
  /** A tracked object silent this long is closed as stale. */
  videoTrackStaleSeconds: number;
  /** After an AI event, "still there" observations go to the reminder flow at most this often. */
  videoRecheckIntervalSeconds: number;
  /** The built-in detector's worker threads (0: the detector is off whatever the cameras say). */
  videoDetectorThreads: number;
  /** With the demo: a simulated Frigate publishes a parking sequence for the demo camera. */
  videoSimulator: boolean;
}

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: intFromEnv('PORT', 8080),
    host: process.env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(process.env.GONGZHI_DATA_DIR ?? './data'),
    databaseUrl: process.env.DATABASE_URL || undefined,
    sessionIdleMinutes: intFromEnv('SESSION_IDLE_MINUTES', 30),
    sessionMaxHours: intFromEnv('SESSION_MAX_HOURS', 12),
    loginMaxFailures: intFromEnv('LOGIN_MAX_FAILURES', 5),
    lockoutMinutes: intFromEnv('LOCKOUT_MINUTES', 15),
    loginRatePerMinute: intFromEnv('LOGIN_RATE_PER_MINUTE', 20),
    uploadMaxBytes: intFromEnv('UPLOAD_MAX_BYTES', 10 * 1024 * 1024),
    bodyLimitBytes: intFromEnv('BODY_LIMIT_BYTES', 1024 * 1024),
    secureCookies: process.env.SECURE_COOKIES === 'true',
    logLevel: process.env.LOG_LEVEL ?? 'info',
    dataKey: process.env.GONGZHI_DATA_KEY || undefined,
    revealDailyLimit: intFromEnv('REVEAL_DAILY_LIMIT', 30),
    importMaxBytes: intFromEnv('IMPORT_MAX_BYTES', 20 * 1024 * 1024),
    importMaxRows: intFromEnv('IMPORT_MAX_ROWS', 200_000),
    mqttPort: intFromEnv('MQTT_PORT', 1884),
    mqttHost: process.env.MQTT_HOST ?? '0.0.0.0',
    mqttUrl: process.env.MQTT_URL || undefined,
    iotDeviceRate: intFromEnv('IOT_DEVICE_RATE', 10),
    iotDeviceBurst: intFromEnv('IOT_DEVICE_BURST', 50),
    iotFlushMs: intFromEnv('IOT_FLUSH_MS', 200),
    iotOfflineFactor: intFromEnv('IOT_OFFLINE_FACTOR', 3),
    iotDefaultIntervalSeconds: intFromEnv('IOT_DEFAULT_INTERVAL_S', 600),
    telemetryRetentionDays: intFromEnv('TELEMETRY_RETENTION_DAYS', 90),
    iotSimulator: process.env.IOT_SIMULATOR !== 'false',
    videoFrigatePrefix: process.env.VIDEO_FRIGATE_PREFIX || 'frigate',
    videoMqttUsername: process.env.VIDEO_MQTT_USERNAME || 'frigate',
    videoMqttPassword: process.env.VIDEO_MQTT_PASSWORD || undefined,
    videoWebhookSecret: process.env.VIDEO_WEBHOOK_SECRET || undefined,
    videoSnapshotTimeoutMs: intFromEnv('VIDEO_SNAPSHOT_TIMEOUT_MS', 3_000),
    videoSnapshotMaxBytes: intFromEnv('VIDEO_SNAPSHOT_MAX_BYTES', 5 * 1024 * 1024),
    videoDedupeWindowSeconds: intFromEnv('VIDEO_DEDUPE_WINDOW_S', 600),
    videoTrackStaleSeconds: intFromEnv('VIDEO_TRACK_STALE_S', 900),
    videoRecheckIntervalSeconds: intFromEnv('VIDEO_RECHECK_INTERVAL_S', 300),
    videoDetectorThreads: intFromEnv('VIDEO_DETECTOR_THREADS', 1),
    videoSimulator: process.env.VIDEO_SIMULATOR !== 'false',
    ...overrides,
  };
}
