import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { AppError } from '../http/errors.ts';

/**
 * PGlite has no cross-process lock: two processes on one data directory silently corrupt it.
 * We hold our own pid lock file next to the data and refuse to start while a live process holds it.
 */
export interface DataDirLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'gongzhi.lock');
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, content, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readHolder(lockPath)?.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // already gone: nothing to release
        }
      };
      process.once('exit', release);
      return { path: lockPath, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(lockPath);
      if (holder && isAlive(holder.pid)) {
        throw new AppError('DATA_DIR_LOCKED', 409, { lockPath, pid: holder.pid, host: holder.host ?? '' });
      }
      // The holder is gone (crash or kill -9): the lock is stale and safe to take over.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new AppError('DATA_DIR_LOCKED', 409, { lockPath, pid: readHolder(lockPath)?.pid ?? 0, host: '' });
}

function readHolder(lockPath: string): { pid: number; host?: string } | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid?: unknown; host?: string };
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, host: parsed.host } : undefined;
  } catch {
    return undefined;
  }
}
