import { iou, type Box } from '../detection.ts';

/**
 * Gives the built-in detector's objects track keys across frames, so that the intake sees one object
 * over time (dwell, stationary, de-duplication) as it does with Frigate: an object matches the previous
 * frame's object of the same label with the best overlap (IoU ≥ 0.3); unmatched objects get a new key;
 * a track missing from `maxMissed` frames in a row has ended.
 */
export interface TrackedObject {
  key: string;
  phase: 'new' | 'update' | 'end';
  label: string;
  score: number;
  box: Box;
  startedAt: number;
}

interface Open {
  key: string;
  label: string;
  score: number;
  box: Box;
  startedAt: number;
  missed: number;
}

export class FrameTracker {
  private open: Open[] = [];
  private sequence = 0;

  constructor(
    private readonly prefix: string,
    private readonly maxMissed = 2,
  ) {}

  step(objects: readonly { label: string; score: number; box: Box }[], at: number): TrackedObject[] {
    const out: TrackedObject[] = [];
    const unmatched = new Set(this.open);
    for (const object of [...objects].sort((a, b) => b.score - a.score)) {
      let best: Open | undefined;
      let bestOverlap = 0.3;
      for (const track of unmatched) {
        const overlap = track.label === object.label ? iou(track.box, object.box) : 0;
        if (overlap >= bestOverlap) {
          best = track;
          bestOverlap = overlap;
        }
      }
      if (best) {
        unmatched.delete(best);
        Object.assign(best, { box: object.box, score: object.score, missed: 0 });
        out.push({ key: best.key, phase: 'update', label: best.label, score: object.score, box: object.box, startedAt: best.startedAt });
      } else {
        const track: Open = { key: `${this.prefix}-${at}-${++this.sequence}`, label: object.label, score: object.score, box: object.box, startedAt: at, missed: 0 };
        this.open.push(track);
        out.push({ key: track.key, phase: 'new', label: track.label, score: track.score, box: track.box, startedAt: at });
      }
    }
    for (const track of unmatched) {
      track.missed++;
      if (track.missed >= this.maxMissed) out.push({ key: track.key, phase: 'end', label: track.label, score: track.score, box: track.box, startedAt: track.startedAt });
    }
    this.open = this.open.filter((t) => t.missed < this.maxMissed);
    return out;
  }
}
