import pg from 'pg';
import type { Database } from '../src/db/database.ts';

/**
 * The SQL statements the database runs while `work` runs, BEGIN and COMMIT included: on PGlite every
 * query of the engine, on PostgreSQL every query of any client in this process (background jobs too, so
 * keep the window short).
 */
export async function statementsDuring(database: Database, work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const record = (text: unknown) => seen.push(String(typeof text === 'object' && text !== null && 'text' in text ? text.text : text).trim());
  const restore: (() => void)[] = [];
  const wrap = <K extends string>(target: Record<K, unknown>, key: K, around: (original: (...args: unknown[]) => unknown) => (...args: unknown[]) => unknown) => {
    const original = target[key] as (...args: unknown[]) => unknown;
    target[key] = around(original);
    restore.push(() => (target[key] = original));
  };
  if (database.pglite) {
    const engine = database.pglite as unknown as Record<'query' | 'exec' | 'transaction', unknown>;
    wrap(engine, 'query', (original) => function (this: unknown, ...args) { record(args[0]); return original.apply(this, args); });
    wrap(engine, 'exec', (original) => function (this: unknown, ...args) { record(args[0]); return original.apply(this, args); });
    wrap(engine, 'transaction', (original) => function (this: unknown, ...args) {
      const callback = args[0] as (tx: { query: (...a: unknown[]) => unknown }) => unknown;
      record('BEGIN');
      const result = original.call(this, (tx: { query: (...a: unknown[]) => unknown }) => {
        const query = tx.query.bind(tx);
        return callback(Object.assign(Object.create(tx), { query: (...a: unknown[]) => { record(a[0]); return query(...a); } }));
      }) as Promise<unknown>;
      return result.finally(() => record('COMMIT'));
    });
  } else {
    wrap(pg.Client.prototype as unknown as Record<'query', unknown>, 'query', (original) => function (this: unknown, ...args) { record(args[0]); return original.apply(this, args); });
  }
  try {
    await work();
  } finally {
    for (const undo of restore.reverse()) undo();
  }
  return seen;
}
