import { EventEmitter } from 'node:events';
import type { ClusterBus } from '../db/cluster-bus.ts';

/**
 * In-process fan-out of live updates to Server-Sent-Event subscribers. Each message carries the
 * division it concerns, so a subscriber only receives what its data scope covers.
 * With several API nodes on one PostgreSQL database, each message also goes to the other nodes'
 * subscribers over the cluster bus (LISTEN/NOTIFY).
 */
export interface RealtimeMessage {
  type: string;
  divisionCode: string;
  data: Record<string, unknown>;
  /** A personal message (an in-app notice): only this user receives it, whatever their scope. */
  userId?: number;
}

export class RealtimeHub {
  private readonly emitter = new EventEmitter();

  constructor(private readonly bus?: ClusterBus) {
    this.emitter.setMaxListeners(0);
    bus?.on('realtime', (message) => this.emitter.emit('message', message as RealtimeMessage));
  }

  publish(message: RealtimeMessage): void {
    this.emitter.emit('message', message);
    this.bus?.announce('realtime', message);
  }

  subscribe(accepts: (message: RealtimeMessage) => boolean, deliver: (message: RealtimeMessage) => void): () => void {
    const listener = (message: RealtimeMessage) => {
      if (accepts(message)) deliver(message);
    };
    this.emitter.on('message', listener);
    return () => this.emitter.off('message', listener);
  }

  get subscriberCount(): number {
    return this.emitter.listenerCount('message');
  }
}
