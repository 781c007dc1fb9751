import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openPGlite, openPostgres } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { ensureBaseData } from '../src/demo/base-data.ts';
import { seedDemoTown } from '../src/demo/demo-town.ts';
import { newTemplateDatabaseName, withAdminClient } from './postgres-admin.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string;
  }
}

/** Base64 of 32 fixed bytes: the personal-data key of every test database and app. */
const testDataKey = Buffer.alloc(32, 'gongzhi-test-key').toString('base64');
/** The demo town's registry at a fiftieth (1,000 people) keeps the template quick to build and load. */
const demo = { scale: 1 / 50 };

/**
 * Builds the migrated, seeded database once: a PGlite snapshot file that every test file loads
 * (0.5 s instead of an initdb), or, with TEST_DATABASE_URL, a PostgreSQL template database that
 * every test file clones.
 */
export default async function setup(project: TestProject) {
  // One fixed data key for the seeded template and every test app (workers inherit the environment).
  process.env.GONGZHI_DATA_KEY = testDataKey;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const templateDatabaseName = newTemplateDatabaseName();
    await withAdminClient(url, (client) => client.query(`CREATE DATABASE ${templateDatabaseName}`));
    const target = new URL(url);
    target.pathname = `/${templateDatabaseName}`;
    const database = await openPostgres(target.toString(), 2);
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    await seedDemoTown(database.db, demo);
    await database.close();
    project.provide('pgliteTemplate', '');
    project.provide('postgresTemplate', templateDatabaseName);
    return () => withAdminClient(url, (client) => client.query(`DROP DATABASE IF EXISTS ${templateDatabaseName} WITH (FORCE)`));
  }
  const database = await openPGlite({});
  await migrateToLatest(database.db);
  await ensureBaseData(database.db);
  await seedDemoTown(database.db, demo);
  const blob = await database.pglite!.dumpDataDir('none');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-test-')), 'template.tar');
  fs.writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  project.provide('postgresTemplate', '');
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
