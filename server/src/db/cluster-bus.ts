import crypto from 'node:crypto';
import pg from 'pg';
import type { Database } from './database.ts';

/**
 * Messages between API nodes that share one PostgreSQL database: cache invalidations (event
 * configuration, grid index, sessions) and live updates for SSE. PostgreSQL LISTEN/NOTIFY carries
 * them, so several stateless nodes behind a load balancer stay consistent without another server.
 * On PGlite there is one process (the data-dir lock), so messages only go to this node's handlers.
 *
 * The bus carries messages to the OTHER nodes: the writer updates its own caches itself (and reads its
 * own write at once), then `announce`s the change; a node ignores its own messages coming back.
 */
export type BusTopic = 'realtime' | 'event-config' | 'grids' | 'sessions';
export type BusHandler = (payload: unknown) => void;

const channel = 'gongzhi_cluster';
/** NOTIFY payloads are limited to 8000 bytes; bigger messages stay on this node (and are logged). */
const maxPayloadBytes = 7900;

export class ClusterBus {
  readonly nodeId = crypto.randomUUID();
  private readonly handlers = new Map<BusTopic, BusHandler[]>();

  private constructor(private readonly remote?: RemoteLink) {}

  /** The bus of this database: across nodes on PostgreSQL, within this process on PGlite. */
  static async open(database: Database, log: (message: string, error?: unknown) => void): Promise<ClusterBus> {
    if (database.kind !== 'postgres' || !database.connectionString) return new ClusterBus();
    const bus = new ClusterBus(new PostgresLink(database.connectionString, log));
    await bus.remote!.start(
      (message) => {
        if (message.origin !== bus.nodeId) bus.deliver(message.topic, message.payload);
      },
      () => bus.resync(),
    );
    return bus;
  }

  /** Handles what other nodes announce; a payload of null means "anything may have changed". */
  on(topic: BusTopic, handler: BusHandler): void {
    this.handlers.set(topic, [...(this.handlers.get(topic) ?? []), handler]);
  }

  /** Tells the other nodes (none on PGlite). */
  announce(topic: BusTopic, payload: unknown = null): void {
    this.remote?.send({ origin: this.nodeId, topic, payload });
  }

  close(): Promise<void> {
    return this.remote?.stop() ?? Promise.resolve();
  }

  private deliver(topic: BusTopic, payload: unknown): void {
    for (const handler of this.handlers.get(topic) ?? []) handler(payload);
  }

  /** After the link was down, invalidations may have been missed: every cache drops everything (payload null). */
  private resync(): void {
    for (const topic of ['event-config', 'grids', 'sessions'] as const) this.deliver(topic, null);
  }
}

export interface BusMessage {
  origin: string;
  topic: BusTopic;
  payload: unknown;
}

export interface RemoteLink {
  /** Resolves after the first attempt to connect; a failed one keeps retrying in the background. */
  start(receive: (message: BusMessage) => void, reconnected: () => void): Promise<void>;
  send(message: BusMessage): void;
  stop(): Promise<void>;
}

/**
 * One dedicated connection LISTENs (a pooled connection cannot: it changes hands); sending goes through
 * a short-lived query on its own connection too, outside any transaction, so a NOTIFY is never held
 * back by a transaction that later rolls back. The link reconnects with backoff when the server drops it.
 */
export class PostgresLink implements RemoteLink {
  private client: pg.Client | null = null;
  private stopped = false;
  private retryMillis = 500;
  private pending: string[] = [];

  constructor(
    private readonly connectionString: string,
    private readonly log: (message: string, error?: unknown) => void,
  ) {}

  start(receive: (message: BusMessage) => void, reconnected: () => void): Promise<void> {
    return this.connect(receive, reconnected, false);
  }

  send(message: BusMessage): void {
    const text = JSON.stringify(message);
    if (Buffer.byteLength(text) > maxPayloadBytes) {
      this.log(`cluster bus: ${message.topic} message of ${Buffer.byteLength(text)} bytes is too big for NOTIFY; other nodes will not see it`);
      return;
    }
    // Messages of one turn of the event loop share NOTIFYs: a burst of reports costs a few round trips, not one each.
    this.pending.push(text);
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const texts = this.pending;
    this.pending = [];
    const client = this.client;
    if (!client) {
      this.log(`cluster bus: not connected; ${texts.length} message(s) not sent to other nodes`);
      return;
    }
    for (const batch of batches(texts, maxPayloadBytes)) {
      client.query('SELECT pg_notify($1, $2)', [channel, `[${batch.join(',')}]`]).catch((error: unknown) => this.log('cluster bus: NOTIFY failed', error));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(receive: (message: BusMessage) => void, reconnected: () => void, isRetry: boolean): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString });
    client.on('notification', (notice) => {
      if (notice.channel !== channel || !notice.payload) return;
      try {
        for (const message of JSON.parse(notice.payload) as BusMessage[]) receive(message);
      } catch (error) {
        this.log('cluster bus: unreadable message', error);
      }
    });
    client.on('error', (error) => this.log('cluster bus: connection error', error));
    client.on('end', () => {
      if (this.stopped || this.client !== client) return;
      this.client = null;
      this.retryLater(receive, reconnected);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
      if (this.stopped) {
        await client.end();
        return;
      }
      this.client = client;
      this.retryMillis = 500;
      if (isRetry) reconnected();
    } catch (error) {
      this.log('cluster bus: cannot listen', error);
      await client.end().catch(() => undefined);
      this.retryLater(receive, reconnected);
    }
  }

  private retryLater(receive: (message: BusMessage) => void, reconnected: () => void): void {
    if (this.stopped) return;
    const wait = this.retryMillis;
    this.retryMillis = Math.min(this.retryMillis * 2, 30_000);
    setTimeout(() => void this.connect(receive, reconnected, true), wait).unref();
  }
}

/** Groups JSON texts so that each group, written as a JSON array, stays within `maxBytes`. */
export function batches(texts: string[], maxBytes: number): string[][] {
  const groups: string[][] = [];
  let group: string[] = [];
  let bytes = 2;
  for (const text of texts) {
    const size = Buffer.byteLength(text) + 1;
    if (group.length > 0 && bytes + size > maxBytes) {
      groups.push(group);
      group = [];
      bytes = 2;
    }
    group.push(text);
    bytes += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}
