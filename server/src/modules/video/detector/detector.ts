import { Worker } from 'node:worker_threads';

/** What the detector found in one frame: boxes relative to the frame ([x1, y1, x2, y2], 0..1). */
export interface FrameResult {
  objects: { label: string; score: number; box: [number, number, number, number] }[];
  width: number;
  height: number;
  ms: number;
}

export interface DetectorOptions {
  threads: number;
  minConfidence: number;
  maxDetected: number;
}

type Reply = { id: number; ok: true } & Partial<FrameResult> & { backend?: string } | { id: number; ok: false; error: string };

/**
 * A pool of detector worker threads (detector-worker.js). Frames are handed to the least busy worker;
 * each worker runs one frame at a time (inference is single-threaded WASM), so `threads` bounds the
 * cores the detector may take.
 */
export class Detector {
  private readonly workers: { worker: Worker; busy: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  private nextId = 1;

  private constructor() {}

  static async start(options: DetectorOptions): Promise<Detector> {
    const detector = new Detector();
    try {
      for (let i = 0; i < options.threads; i++) {
        const worker = new Worker(new URL('./detector-worker.js', import.meta.url));
        const slot = { worker, busy: 0 };
        worker.on('message', (reply: Reply) => detector.settle(reply));
        worker.on('error', (error) => detector.failAll(error));
        detector.workers.push(slot);
        await detector.call(slot, { type: 'load', options: { minConfidence: options.minConfidence, maxDetected: options.maxDetected } });
      }
    } catch (error) {
      await detector.close();
      throw error;
    }
    return detector;
  }

  async detect(image: Buffer): Promise<FrameResult> {
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const reply = await this.call(slot, { type: 'detect', image });
    return reply as unknown as FrameResult;
  }

  private call(slot: { worker: Worker; busy: number }, message: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    slot.busy++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ ...message, id });
    }).finally(() => slot.busy--);
  }

  private settle(reply: Reply) {
    const waiter = this.waiting.get(reply.id);
    if (!waiter) return;
    this.waiting.delete(reply.id);
    if (reply.ok) waiter.resolve(reply);
    else waiter.reject(new Error(`detector: ${reply.error}`));
  }

  private failAll(error: Error) {
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }
}
