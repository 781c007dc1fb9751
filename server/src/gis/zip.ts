import zlib from 'node:zlib';

/** The archive would inflate beyond the allowed size (a zip bomb, or simply too much data). */
export class ZipTooLargeError extends Error {}

/**
 * The files of a zip archive (stored or deflated entries, no ZIP64, no encryption), read from the central
 * directory. Inflating stops at `maxBytes` in total, whatever sizes the archive claims: uploaded
 * shapefile archives are untrusted input.
 */
export function readZip(bytes: Buffer, maxBytes: number): Map<string, Buffer> {
  const end = findEndOfCentralDirectory(bytes);
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  let budget = maxBytes;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const flags = bytes.readUInt16LE(offset + 8);
    const method = bytes.readUInt16LE(offset + 10);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const localOffset = bytes.readUInt32LE(offset + 42);
    const name = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 1) throw new Error(`encrypted zip entry: ${name}`);
    if (localOffset + 30 > bytes.length || bytes.readUInt32LE(localOffset) !== 0x04034b50) throw new Error(`corrupt zip entry: ${name}`);
    const dataStart = localOffset + 30 + bytes.readUInt16LE(localOffset + 26) + bytes.readUInt16LE(localOffset + 28);
    const raw = bytes.subarray(dataStart, dataStart + compressedSize);
    if (raw.length !== compressedSize) throw new Error(`truncated zip entry: ${name}`);
    const content = method === 0 ? raw : method === 8 ? inflate(raw, budget) : undefined;
    if (!content) throw new Error(`unsupported zip compression method ${method}: ${name}`);
    if (content.length > budget) throw new ZipTooLargeError();
    budget -= content.length;
    files.set(name, content);
  }
  return files;
}

function inflate(raw: Buffer, limit: number): Buffer {
  try {
    return zlib.inflateRawSync(raw, { maxOutputLength: Math.max(limit, 1) });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ZipTooLargeError();
    throw error;
  }
}

function findEndOfCentralDirectory(bytes: Buffer): number {
  // The record is 22 bytes plus a comment of up to 65,535 bytes, at the very end of the file.
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65_535); i--) {
    if (bytes.readUInt32LE(i) === 0x06054b50) return i;
  }
  throw new Error('not a zip archive');
}
