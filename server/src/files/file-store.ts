import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import sharp from 'sharp';
import { AppError } from '../http/errors.ts';

/** What we accept, decided from the bytes (never from the client's content type or file name). */
export const allowedMimeTypes = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

const thumbnailSize = 320;

export interface SavedBlob {
  sha256: string;
  mime: string;
  size: number;
  width: number | null;
  height: number | null;
  hasThumbnail: boolean;
}

/**
 * Content-addressed storage under one directory: `ab/cd/<sha256>` for the bytes and
 * `thumbs/<sha256>.webp` for image thumbnails. Identical uploads share one copy.
 * An S3-compatible store can implement the same three methods later.
 */
export class FileStore {
  constructor(private readonly root: string) {}

  private blobPath(sha256: string) {
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  private thumbnailPath(sha256: string) {
    return path.join(this.root, 'thumbs', `${sha256}.webp`);
  }

  async save(bytes: Buffer): Promise<SavedBlob> {
    const detected = await fileTypeFromBuffer(bytes);
    const mime = detected?.mime ?? 'application/octet-stream';
    if (!(allowedMimeTypes as readonly string[]).includes(mime)) {
      throw new AppError('FILE_TYPE_NOT_ALLOWED', 415, { mime, allowed: 'JPEG, PNG, WebP, GIF, PDF, DOCX, XLSX' });
    }
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const target = this.blobPath(sha256);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await writeAtomically(target, bytes);
    let width: number | null = null;
    let height: number | null = null;
    let hasThumbnail = false;
    if (mime.startsWith('image/')) {
      try {
        const image = sharp(bytes, { failOn: 'error' });
        const meta = await image.metadata();
        width = meta.width ?? null;
        height = meta.height ?? null;
        const thumb = this.thumbnailPath(sha256);
        await fs.mkdir(path.dirname(thumb), { recursive: true });
        await writeAtomically(thumb, await image.rotate().resize(thumbnailSize, thumbnailSize, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer());
        hasThumbnail = true;
      } catch {
        throw new AppError('FILE_TYPE_NOT_ALLOWED', 415, { mime: `${mime} (damaged)`, allowed: 'JPEG, PNG, WebP, GIF, PDF, DOCX, XLSX' });
      }
    }
    return { sha256, mime, size: bytes.length, width, height, hasThumbnail };
  }

  read(sha256: string) {
    return fs.readFile(this.blobPath(sha256));
  }

  readThumbnail(sha256: string) {
    return fs.readFile(this.thumbnailPath(sha256));
  }
}

/**
 * Writes to a temporary name of its own and renames, so a crash never leaves a truncated file under
 * its hash, and two saves of the same bytes at once (a camera's repeated frame) do not collide.
 */
async function writeAtomically(target: string, bytes: Buffer) {
  const temporary = `${target}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(temporary, bytes);
  await fs.rename(temporary, target);
}
