import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

interface Warn {
  warn(message: string): void;
}

/**
 * The master key for personal data: `GONGZHI_DATA_KEY` (base64 of 32 bytes) when configured, else a
 * key generated once into `<dataDir>/secret.key` (mode 0600) so a demo install works out of the box.
 * Losing that file makes the encrypted ID numbers and phones unreadable: production sets the key.
 */
export function loadDataKey(config: { dataKey: string | undefined; dataDir: string }, log: Warn): Buffer {
  if (config.dataKey) return decodeKey(config.dataKey, 'GONGZHI_DATA_KEY');
  const file = path.join(config.dataDir, 'secret.key');
  if (fs.existsSync(file)) return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  try {
    // 'wx': if two processes race, the second fails here and reads the first one's key instead.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return decodeKey(fs.readFileSync(file, 'utf8').trim(), file);
    throw error;
  }
  log.warn(`GONGZHI_DATA_KEY is not set: generated a data key in ${file}. Back it up, or set GONGZHI_DATA_KEY in production.`);
  return key;
}

function decodeKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${source} must hold the base64 of exactly 32 bytes (got ${key.length})`);
  return key;
}
