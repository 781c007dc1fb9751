import { EventEmitter } from 'node:events';

/**
 * In-process fan-out of live updates to Server-Sent-Event subscribers. Each message carries the
 * division it concerns, so a subscriber only receives what its data scope covers.
 * With several API nodes this hub is fed from PostgreSQL LISTEN/NOTIFY instead of in-process calls.
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

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish(message: RealtimeMessage): void {
    this.emitter.emit('message', message);
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
