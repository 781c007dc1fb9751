import crypto from 'node:crypto';

/**
 * Field-level encryption of personal data (ID numbers, phones) at rest.
 *
 * Ciphertexts name their algorithm in a prefix, so data written under either suite stays readable:
 * - `sm4ctr-hmacsm3:v1:` SM4-CTR, then HMAC-SM3 over prefix, IV and ciphertext (encrypt-then-MAC);
 *   used when the runtime's OpenSSL offers SM4 and SM3 (national standards, preferred);
 * - `aes256gcm:v1:` AES-256-GCM with the prefix as associated data, as the fallback.
 * Every purpose gets its own key derived from the one master key (HKDF), so a key never serves two jobs.
 *
 * The blind index is a keyed hash (HMAC-SM3, or HMAC-SHA-256 without SM3) of the normalised value:
 * equal values give equal indexes, so exact search works without decrypting the table. An index made
 * with one hash cannot be matched by the other: moving data to a runtime without SM3 needs re-indexing.
 */
const smPrefix = 'sm4ctr-hmacsm3:v1:';
const aesPrefix = 'aes256gcm:v1:';

export type CipherSuite = 'sm' | 'aes';
export type BlindIndexPurpose = 'id-number' | 'phone';

export function runtimeOffersSm(): boolean {
  return crypto.getCiphers().includes('sm4-ctr') && crypto.getHashes().includes('sm3');
}

function deriveKey(master: Buffer, purpose: string, length: number) {
  return crypto.createSecretKey(Buffer.from(crypto.hkdfSync('sha256', master, 'gongzhi-privacy', purpose, length)));
}

export class FieldCipher {
  readonly suite: CipherSuite;
  private readonly sm4Key: crypto.KeyObject;
  private readonly sm3MacKey: crypto.KeyObject;
  private readonly aesKey: crypto.KeyObject;
  private readonly indexKey: crypto.KeyObject;
  /** IVs are cut from a buffer of CSPRNG output, refilled (never reused) when spent: one system call per 4,096 IVs. */
  private ivPool = Buffer.alloc(0);
  private ivOffset = 0;

  constructor(masterKey: Buffer, suite: CipherSuite = runtimeOffersSm() ? 'sm' : 'aes') {
    if (masterKey.length !== 32) throw new Error('the data key must be 32 bytes');
    if (suite === 'sm' && !runtimeOffersSm()) throw new Error('this runtime offers no SM4/SM3');
    this.suite = suite;
    this.sm4Key = deriveKey(masterKey, 'sm4-ctr encryption', 16);
    this.sm3MacKey = deriveKey(masterKey, 'hmac-sm3 authentication', 32);
    this.aesKey = deriveKey(masterKey, 'aes-256-gcm encryption', 32);
    this.indexKey = deriveKey(masterKey, `blind index ${suite}`, 32);
  }

  encrypt(plain: string): string {
    return this.suite === 'sm' ? this.encryptSm(plain) : this.encryptAes(plain);
  }

  decrypt(token: string): string {
    if (token.startsWith(smPrefix)) return this.decryptSm(token);
    if (token.startsWith(aesPrefix)) return this.decryptAes(token);
    throw new Error('unknown ciphertext format');
  }

  blindIndex(purpose: BlindIndexPurpose, normalised: string): string {
    return crypto
      .createHmac(this.suite === 'sm' ? 'sm3' : 'sha256', this.indexKey)
      .update(`${purpose}\u0000${normalised}`)
      .digest('base64url');
  }

  private nextIv(size: number): Buffer {
    if (this.ivOffset + size > this.ivPool.length) {
      this.ivPool = crypto.randomBytes(65_536);
      this.ivOffset = 0;
    }
    this.ivOffset += size;
    return this.ivPool.subarray(this.ivOffset - size, this.ivOffset);
  }

  private smMac(iv: Buffer, body: Buffer) {
    return crypto.createHmac('sm3', this.sm3MacKey).update(smPrefix).update(iv).update(body).digest();
  }

  private encryptSm(plain: string) {
    const iv = this.nextIv(16);
    const cipher = crypto.createCipheriv('sm4-ctr', this.sm4Key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return smPrefix + Buffer.concat([iv, body, this.smMac(iv, body)]).toString('base64url');
  }

  private decryptSm(token: string) {
    const raw = Buffer.from(token.slice(smPrefix.length), 'base64url');
    if (raw.length < 48) throw new Error('ciphertext too short');
    const iv = raw.subarray(0, 16);
    const body = raw.subarray(16, raw.length - 32);
    const mac = raw.subarray(raw.length - 32);
    if (!crypto.timingSafeEqual(mac, this.smMac(iv, body))) throw new Error('ciphertext authentication failed');
    const decipher = crypto.createDecipheriv('sm4-ctr', this.sm4Key, iv);
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  }

  private encryptAes(plain: string) {
    const iv = this.nextIv(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.aesKey, iv);
    cipher.setAAD(Buffer.from(aesPrefix));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return aesPrefix + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
  }

  private decryptAes(token: string) {
    const raw = Buffer.from(token.slice(aesPrefix.length), 'base64url');
    if (raw.length < 28) throw new Error('ciphertext too short');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.aesKey, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(aesPrefix));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  }
}
