import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Detection } from '../detection.ts';
import { fetchImage, sniffImage, type Fetched } from '../snapshot.ts';
import { videoRepo } from '../video.repo.ts';
import type { CameraEntry } from '../video-intake.ts';
import { Detector } from './detector.ts';
import { FrameTracker } from './frame-tracker.ts';

/**
 * The built-in detector's schedule: every camera that enables it (and has video AI on) has a frame
 * pulled every `detector_interval_s` from its detector source (http(s) URL, or a file under
 * <data dir>/frames/) or its snapshot URL, run through the detector, tracked across frames, and handed
 * to the video intake as detections like any other source's. The detector threads start when the first
 * camera needs them. A failed pull is recorded on the camera (snapshot error) and tried next time.
 */
const checkMs = 2_000;

export function framesDir(dataDir: string): string {
  return path.join(dataDir, 'frames');
}

/** A detector source as a file under the frames directory, or undefined when it is a URL. */
export function frameFile(dataDir: string, source: string): string | undefined {
  if (/^https?:\/\//.test(source)) return undefined;
  const root = framesDir(dataDir);
  const file = path.resolve(root, source);
  return file.startsWith(`${root}${path.sep}`) ? file : undefined;
}

export async function pullFrame(app: FastifyInstance, camera: Pick<CameraEntry, 'detector_source' | 'snapshot_url'>): Promise<Fetched> {
  const source = camera.detector_source ?? camera.snapshot_url;
  if (!source) return { ok: false, error: 'SNAPSHOT_NONE: the camera has no detector source and no snapshot URL' };
  const limits = { timeoutMs: app.config.videoSnapshotTimeoutMs, maxBytes: app.config.videoSnapshotMaxBytes };
  if (/^https?:\/\//.test(source)) return fetchImage(source, limits);
  const file = frameFile(app.config.dataDir, source);
  if (!file) return { ok: false, error: `SNAPSHOT_PATH: ${source} is not under the frames directory` };
  try {
    const stat = await fs.stat(file);
    if (stat.size > limits.maxBytes) return { ok: false, error: `SNAPSHOT_TOO_LARGE: ${stat.size} bytes` };
    return sniffImage(await fs.readFile(file));
  } catch (error) {
    return { ok: false, error: `SNAPSHOT_UNREACHABLE: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (${source})` };
  }
}

export interface DetectorRun {
  stop(): Promise<void>;
  /** Runs every camera that is due now (tests call it instead of waiting for the timer). */
  runDue(now?: number): Promise<number>;
}

export function startDetectorScheduler(app: FastifyInstance, options: { minConfidence?: number } = {}): DetectorRun {
  const nextRun = new Map<number, number>();
  const trackers = new Map<number, FrameTracker>();
  let detector: Promise<Detector> | undefined;
  let running: Promise<number> = Promise.resolve(0);
  let stopped = false;

  const detectorReady = () => (detector ??= Detector.start({ threads: app.config.videoDetectorThreads, minConfidence: options.minConfidence ?? 0.3, maxDetected: 30 }));

  async function runCamera(camera: CameraEntry, now: number) {
    const frame = await pullFrame(app, camera);
    if (!frame.ok) {
      await videoRepo.setSnapshotError(app.db, camera.device_id, frame.error, new Date(now));
      return;
    }
    const result = await (await detectorReady()).detect(frame.bytes);
    let tracker = trackers.get(camera.device_id);
    if (!tracker) trackers.set(camera.device_id, (tracker = new FrameTracker(`det${camera.device_id}`)));
    const detections: Detection[] = tracker.step(result.objects, now).map((o) => ({
      source: 'detector',
      camera: { deviceId: camera.device_id },
      trackKey: o.key,
      phase: o.phase,
      label: o.label,
      subLabel: null,
      score: o.score,
      box: o.box,
      zoneNames: null,
      stationary: null,
      vendorCode: null,
      at: now,
      startedAt: o.startedAt,
      snapshot: { kind: 'bytes', bytes: frame.bytes },
    }));
    if (detections.length) app.videoIntake.receive(detections, { source: 'detector' });
  }

  async function runDue(now = Date.now()): Promise<number> {
    let ran = 0;
    for (const camera of app.videoIntake.detectorCameras()) {
      if (stopped || (nextRun.get(camera.device_id) ?? 0) > now) continue;
      nextRun.set(camera.device_id, now + camera.detector_interval_s * 1000);
      try {
        await runCamera(camera, now);
        ran++;
      } catch (error) {
        app.log.error({ err: error, deviceId: camera.device_id }, 'built-in detector failed on a frame');
      }
    }
    return ran;
  }

  const timer = setInterval(() => {
    running = running.then(() => runDue()).catch(() => 0);
  }, checkMs);
  timer.unref();

  return {
    runDue: (now) => (running = running.then(() => runDue(now))),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      if (detector) await (await detector.catch(() => undefined))?.close();
    },
  };
}
