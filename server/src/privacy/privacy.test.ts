import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FieldCipher, runtimeOffersSm } from './field-cipher.ts';
import { loadDataKey } from './data-key.ts';
import { maskIdNumber, maskPhone } from './masking.ts';
import { startOfShanghaiDay } from './reveal-quota.ts';

const key = Buffer.alloc(32, 9);

describe('field encryption', () => {
  it('uses SM4-CTR with HMAC-SM3 where the runtime offers them, and names the algorithm in the value', () => {
    expect(runtimeOffersSm()).toBe(true);
    const cipher = new FieldCipher(key);
    const token = cipher.encrypt('330203198506121233');
    expect(token.startsWith('sm4ctr-hmacsm3:v1:')).toBe(true);
    expect(token).not.toContain('330203198506121233');
    expect(cipher.decrypt(token)).toBe('330203198506121233');
  });

  it('encrypts the same value differently each time (random IV) and refuses tampered values', () => {
    const cipher = new FieldCipher(key);
    const a = cipher.encrypt('13812345678');
    expect(cipher.encrypt('13812345678')).not.toBe(a);
    const raw = Buffer.from(a.slice('sm4ctr-hmacsm3:v1:'.length), 'base64url');
    raw[20] = raw[20]! ^ 1;
    expect(() => cipher.decrypt(`sm4ctr-hmacsm3:v1:${raw.toString('base64url')}`)).toThrow(/authentication/);
    expect(() => new FieldCipher(Buffer.alloc(32, 1)).decrypt(a)).toThrow();
  });

  it('reads values of either suite, whichever it writes', () => {
    const sm = new FieldCipher(key, 'sm');
    const aes = new FieldCipher(key, 'aes');
    const fromAes = aes.encrypt('11010519491231002X');
    expect(fromAes.startsWith('aes256gcm:v1:')).toBe(true);
    expect(sm.decrypt(fromAes)).toBe('11010519491231002X');
    expect(aes.decrypt(sm.encrypt('11010519491231002X'))).toBe('11010519491231002X');
  });

  it('blind indexes are stable per key and purpose, and reveal nothing of the value', () => {
    const cipher = new FieldCipher(key);
    const index = cipher.blindIndex('id-number', '11010519491231002X');
    expect(new FieldCipher(key).blindIndex('id-number', '11010519491231002X')).toBe(index);
    expect(cipher.blindIndex('phone', '11010519491231002X')).not.toBe(index);
    expect(new FieldCipher(Buffer.alloc(32, 1)).blindIndex('id-number', '11010519491231002X')).not.toBe(index);
    expect(index).not.toContain('1101');
  });
});

describe('the data key', () => {
  it('comes from GONGZHI_DATA_KEY, or is generated once into <dataDir>/secret.key with mode 0600', () => {
    const configured = crypto.randomBytes(32);
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) };
    expect(loadDataKey({ dataKey: configured.toString('base64'), dataDir: '/nonexistent' }, log)).toEqual(configured);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-key-'));
    try {
      const generated = loadDataKey({ dataKey: undefined, dataDir }, log);
      expect(generated).toHaveLength(32);
      expect(warnings).toHaveLength(1);
      expect(fs.statSync(path.join(dataDir, 'secret.key')).mode & 0o777).toBe(0o600);
      expect(loadDataKey({ dataKey: undefined, dataDir }, log)).toEqual(generated);
      expect(warnings).toHaveLength(1);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    expect(() => loadDataKey({ dataKey: 'c2hvcnQ=', dataDir: '/nonexistent' }, log)).toThrow(/32 bytes/);
  });
});

describe('masking', () => {
  it('keeps the first six and last four of an ID number', () => {
    expect(maskIdNumber('330203198506121234')).toBe('330203********1234');
  });

  it('keeps 3 + 4 digits of a mobile and the area code + 4 of a landline', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('057487654321')).toBe('0574****4321');
    expect(maskPhone('01012345678')).toBe('010****5678');
  });
});

describe('the reveal day', () => {
  it('starts at midnight Asia/Shanghai', () => {
    expect(startOfShanghaiDay(new Date('2026-11-26T15:59:00Z')).toISOString()).toBe('2026-11-25T16:00:00.000Z');
    expect(startOfShanghaiDay(new Date('2026-11-26T16:00:00Z')).toISOString()).toBe('2026-11-26T16:00:00.000Z');
  });
});
