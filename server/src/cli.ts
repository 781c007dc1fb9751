import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { sql } from 'kysely';
import { loadConfig } from './config.ts';
import { serve } from './server.ts';
import { openDatabase } from './db/open.ts';
import { openPGlite, type Database } from './db/database.ts';
import { createMigrator, migrateToLatest } from './db/migrate.ts';
import { ensureBaseData } from './demo/base-data.ts';
import { demoAccounts, demoPassword, seedDemoTown } from './demo/demo-town.ts';
import { hashPassword, meetsPasswordPolicy } from './auth/passwords.ts';
import { issueApiToken } from './auth/api-tokens.ts';
import { writeAudit } from './audit/audit.ts';
import { AppError } from './http/errors.ts';
import { translate } from './i18n/messages.ts';
import { expandTokenScopes } from './modules/permission-catalog.ts';
import { probeMqtt } from './modules/devices/mqtt/probe.ts';
import { demoSensors } from './demo/demo-iot.ts';
import { demoCamera, demoFrigatePassword } from './demo/demo-video.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cliAudit = { actorType: 'system' as const, actorId: null, actorName: 'cli', ip: null, userAgent: 'gongzhi-cli', requestId: null };

/** Opens, migrates, runs `work`, closes: for one-shot commands. */
async function withDatabase<T>(work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(loadConfig());
  try {
    await migrateToLatest(database.db);
    await ensureBaseData(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

function buildWebIfNeeded() {
  if (fs.existsSync(path.join(root, 'web/dist/index.html'))) return;
  console.log('Building the web UI (first run only)…');
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', path.join(root, 'web/vite.config.ts')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) throw new Error('web build failed');
}

function printWelcome(url: string, config: ReturnType<typeof loadConfig>, mqtt: string) {
  const gas = demoSensors.find((s) => s.kind === 'combustible_gas')!;
  const publish = config.mqttUrl
    ? `mosquitto_pub -L ${config.mqttUrl.replace(/\/*$/, '')}/gongzhi/devices/${gas.token}/telemetry -m '{"gas_lel":30}'`
    : `mosquitto_pub -p ${config.mqttPort} -u ${gas.token} -t v1/devices/me/telemetry -m '{"gas_lel":30}'`;
  const lines = [
    '',
    `  Gongzhi 共治 is running at ${url}`,
    `  Database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${path.join(config.dataDir, 'pg')}`}`,
    `  API docs: ${url}/api/docs`,
    `  MQTT: ${mqtt}; simulated demo sensors are publishing. Try a gas alarm yourself:`,
    `    ${publish}`,
    `  Video AI: a simulated Frigate reports the demo camera ${demoCamera.sourceName}; replay a recorded parking sequence:`,
    config.mqttUrl
      ? `    mosquitto_pub -L ${config.mqttUrl.replace(/\/*$/, '')}/${config.videoFrigatePrefix}/events -l < server/test/fixtures/video/frigate-parking.jsonl`
      : `    mosquitto_pub -p ${config.mqttPort} -u ${config.videoMqttUsername} -P ${config.videoMqttPassword ?? demoFrigatePassword} -t ${config.videoFrigatePrefix}/events -l < server/test/fixtures/video/frigate-parking.jsonl`,
    '',
    `  Demo sign-in (password for every demo account: ${demoPassword})`,
    ...demoAccounts.map((a) => `    ${a.username.padEnd(9)} ${a.displayName}`),
    '',
  ];
  console.log(lines.join('\n'));
}

const program = new Command('gongzhi').description('Gongzhi 共治 — grassroots governance platform');

program
  .command('start')
  .description('Build the web UI if needed, then serve with the demo town (npm start)')
  .action(async () => {
    buildWebIfNeeded();
    const config = loadConfig();
    await serve(config, { demo: true, onListening: ({ url, mqtt }) => printWelcome(url, config, mqtt) });
  });

program
  .command('serve')
  .description('Serve the platform (migrates first)')
  .option('--demo', 'load the demo town into an empty database')
  .action(async (options: { demo?: boolean }) => {
    const config = loadConfig();
    await serve(config, { demo: Boolean(options.demo), onListening: ({ url }) => console.log(`Gongzhi listening on ${url}`) });
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    await withDatabase(async () => console.log('Database is up to date.'));
  });

program
  .command('seed')
  .description('Load the demo town into an empty database')
  .action(async () => {
    await withDatabase(async ({ db }) => console.log((await seedDemoTown(db)) ? 'Demo town loaded.' : 'Divisions exist already; nothing loaded.'));
  });

const user = program.command('user').description('Manage accounts');
user
  .command('add')
  .description('Create a user account')
  .requiredOption('--username <name>')
  .requiredOption('--name <displayName>')
  .requiredOption('--division <code>', 'division code (scope root)')
  .requiredOption('--role <code...>', 'role codes')
  .requiredOption('--password <password>')
  .option('--organization <code>', 'organisation code')
  .action(async (o: { username: string; name: string; division: string; role: string[]; password: string; organization?: string }) => {
    if (!meetsPasswordPolicy(o.password, o.username)) throw new AppError('PASSWORD_POLICY', 400, { minLength: 10 });
    const passwordHash = await hashPassword(o.password);
    await withDatabase(({ db }) =>
      db.transaction().execute(async (trx) => {
        const org = o.organization ? await trx.selectFrom('organization').select('id').where('code', '=', o.organization).executeTakeFirst() : undefined;
        if (o.organization && !org) throw new Error(`unknown organisation ${o.organization}`);
        const roles = await trx.selectFrom('role').select(['id', 'code']).where('code', 'in', o.role).execute();
        if (roles.length !== o.role.length) throw new Error(`unknown role among ${o.role.join(', ')}`);
        const created = await trx
          .insertInto('app_user')
          .values({ username: o.username, display_name: o.name, password_hash: passwordHash, division_code: o.division, organization_id: org?.id ?? null })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.insertInto('user_role').values(roles.map((r) => ({ user_id: created.id, role_id: r.id }))).execute();
        await writeAudit(trx, cliAudit, [{ action: 'system:user:create', entityType: 'user', entityId: created.id, divisionCode: o.division, after: { username: o.username, display_name: o.name, roles: o.role } }]);
        console.log(`User ${o.username} created (id ${created.id}).`);
      }),
    );
  });

const token = program.command('token').description('Manage machine API tokens');
token
  .command('create')
  .description('Issue an API token; the plaintext is printed once')
  .requiredOption('--name <name>')
  .requiredOption('--scope <code...>', 'what the token grants: permission codes, or open311 (an Open311 partner key)')
  .option('--division <code>', 'division the token acts in (Open311: where its reports land, what it sees)', '330203')
  .option('--days <n>', 'expires after n days')
  .action(async (o: { name: string; scope: string[]; division: string; days?: string }) => {
    const scopes = expandTokenScopes(o.scope);
    await withDatabase(({ db }) =>
      db.transaction().execute(async (trx) => {
        if (!(await trx.selectFrom('division').select('code').where('code', '=', o.division).executeTakeFirst())) throw new Error(`unknown division ${o.division}`);
        const expiresAt = o.days ? new Date(Date.now() + Number(o.days) * 86_400_000) : null;
        const { token: plaintext, row } = await issueApiToken(trx, { name: o.name, scopes, divisionCode: o.division, createdBy: null, expiresAt });
        await writeAudit(trx, cliAudit, [{ action: 'system:token:create', entityType: 'token', entityId: row.id, divisionCode: o.division, after: { name: o.name, scopes } }]);
        console.log(plaintext);
      }),
    );
  });

program
  .command('backup <file>')
  .description('Write a snapshot of the embedded database to a .tar.gz file (stop the server first)')
  .action(async (file: string) => {
    const config = loadConfig();
    if (config.databaseUrl) throw new Error('DATABASE_URL is set: back up PostgreSQL with pg_dump instead.');
    const database = await openPGlite({ dataDir: config.dataDir });
    try {
      const blob = await database.pglite!.dumpDataDir('gzip');
      fs.writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
      console.log(`Backup written to ${file} (${blob.size} bytes).`);
    } finally {
      await database.close();
    }
  });

program
  .command('restore <file>')
  .description('Replace the embedded database with a backup (stop the server first; the old one is kept beside it)')
  .action(async (file: string) => {
    const config = loadConfig();
    if (config.databaseUrl) throw new Error('DATABASE_URL is set: restore PostgreSQL with pg_restore/psql instead.');
    const snapshot = new Blob([fs.readFileSync(file)]);
    // Restore into a fresh directory first: a bad file must not destroy the current database.
    const staging = `${config.dataDir}.restoring`;
    fs.rmSync(staging, { recursive: true, force: true });
    const restored = await openPGlite({ dataDir: staging, snapshot });
    const check = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`.execute(restored.db);
    await restored.close();
    const current = await openPGlite({ dataDir: config.dataDir }); // takes the lock: refuses while a server runs
    await current.close();
    const kept = path.join(config.dataDir, `pg.before-restore-${Date.now()}`);
    if (fs.existsSync(path.join(config.dataDir, 'pg'))) fs.renameSync(path.join(config.dataDir, 'pg'), kept);
    fs.renameSync(path.join(staging, 'pg'), path.join(config.dataDir, 'pg'));
    fs.rmSync(staging, { recursive: true, force: true });
    console.log(`Restored ${check.rows[0]?.n ?? 0} tables from ${file}; the previous database is kept in ${kept}.`);
  });

program
  .command('doctor')
  .description('Print which database, versions, migrations and services (MQTT) are in use')
  .action(async () => {
    const config = loadConfig();
    console.log(`node        ${process.version}`);
    console.log(`data dir    ${config.dataDir}`);
    const database = await openDatabase(config);
    try {
      const version = await sql<{ v: string }>`SELECT version() AS v`.execute(database.db);
      console.log(`database    ${database.kind} at ${database.location}`);
      console.log(`server      ${version.rows[0]?.v}`);
      const migrations = await createMigrator(database.db).getMigrations();
      const pending = migrations.filter((m) => !m.executedAt);
      console.log(`migrations  ${migrations.length - pending.length} applied, ${pending.length} pending${pending.length ? `: ${pending.map((m) => m.name).join(', ')}` : ''}`);
      const users = await database.db.selectFrom('app_user').select(sql<number>`count(*)::int`.as('n')).executeTakeFirst().catch(() => undefined);
      console.log(`users       ${users?.n ?? 'n/a (not migrated)'}`);
    } finally {
      await database.close();
    }
    console.log(`web UI      ${fs.existsSync(path.join(root, 'web/dist/index.html')) ? 'built' : 'not built (npm start builds it)'}`);
    console.log(`mqtt        ${await probeMqtt(config)}`);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof AppError) console.error(translate(process.env.LANG?.startsWith('en') ? 'en' : 'zh-CN', error.code, error.params));
  else console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
