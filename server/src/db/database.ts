import path from 'node:path';
import { Kysely, PGliteDialect, PostgresDialect } from 'kysely';
import { PGlite, types } from '@electric-sql/pglite';
import pg from 'pg';
import type { DB } from './schema.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  db: Kysely<DB>;
  kind: DatabaseKind;
  /** Where the data lives: the PGlite directory, or the PostgreSQL URL without its password. */
  location: string;
  /** PostgreSQL only: how to open a connection of one's own (the cluster bus LISTENs on it). */
  connectionString?: string;
  /** The embedded engine, for snapshots and backups; undefined on PostgreSQL. */
  pglite?: PGlite;
  close(): Promise<void>;
}

/**
 * int8 (bigint ids, count(*)) is parsed as a JS number on both backends: PGlite would give a number
 * or a BigInt, node-postgres a string. Our counts and ids stay far below 2^53.
 */
const int8AsNumber = (value: string) => Number(value);

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === pg.types.builtins.INT8 ? int8AsNumber : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', location: redactUrl(url), connectionString: url, close: () => db.destroy() };
}

export interface PGliteOptions {
  /** A directory (persisted) or undefined for an in-memory database. */
  dataDir?: string;
  /** A `dumpDataDir()` snapshot to start from (tests start from a migrated template this way). */
  snapshot?: Blob;
}

export async function openPGlite(options: PGliteOptions): Promise<Database> {
  let lock: DataDirLock | undefined;
  if (options.dataDir) lock = acquireDataDirLock(options.dataDir);
  try {
    const pglite = await PGlite.create({
      dataDir: options.dataDir ? path.join(options.dataDir, 'pg') : undefined,
      loadDataDir: options.snapshot,
      parsers: { [types.INT8]: int8AsNumber },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    return {
      db,
      kind: 'pglite',
      location: options.dataDir ? path.join(options.dataDir, 'pg') : 'memory://',
      pglite,
      async close() {
        await db.destroy();
        lock?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable url)';
  }
}
