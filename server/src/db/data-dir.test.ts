import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openPGlite } from './database.ts';
import { AppError } from '../http/errors.ts';

/** These tests concern the embedded database's directory and run on PGlite whatever the suite's backend. */
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-datadir-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

// Each case starts real PGlite directories (initdb) and child processes: slow on a busy 2-core machine.
describe('the data directory', { timeout: 180_000 }, () => {
  it('refuses a second opener while the first holds it, naming the lock and the pid', async () => {
    const dir = tempDir();
    const first = await openPGlite({ dataDir: dir });
    try {
      const error = await openPGlite({ dataDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('DATA_DIR_LOCKED');
      expect((error as AppError).params).toMatchObject({ pid: process.pid, lockPath: path.join(dir, 'gongzhi.lock') });
      // A second process (the CLI) is refused with a message naming the lock file and the holder.
      const cli = spawnSync(process.execPath, [path.join(root, 'bin/gongzhi.js'), 'migrate'], { env: { ...process.env, GONGZHI_DATA_DIR: dir, DATABASE_URL: '', LANG: 'en_US.UTF-8' }, encoding: 'utf8' });
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(`in use by process ${process.pid}`);
      expect(cli.stderr).toContain(path.join(dir, 'gongzhi.lock'));
    } finally {
      await first.close();
    }
    const again = await openPGlite({ dataDir: dir });
    await again.close();
  });

  it('a process killed mid-write loses no committed row and leaves the directory openable', async () => {
    const dir = tempDir();
    const writer = path.join(root, 'server/test/crash-writer.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const numbers = chunk.toString().trim().split('\n').map(Number).filter(Number.isFinite);
        if (numbers.length) committed = Math.max(committed, ...numbers);
        if (committed >= 200) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    await new Promise((resolve) => child.once('close', resolve));
    expect(committed).toBeGreaterThanOrEqual(200);
    // The killed writer's lock is stale: the next opener takes it over.
    const reopened = await openPGlite({ dataDir: dir });
    try {
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM crash_probe`.execute(reopened.db);
      expect(rows.rows[0]!.n).toBeGreaterThanOrEqual(committed);
    } finally {
      await reopened.close();
    }
  });
});
