import type { FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';

/**
 * The one file of a multipart request (field "file") as bytes, with the same errors everywhere:
 * FILE_MISSING for no file or an empty one, FILE_TOO_LARGE past `maxBytes` (default: the upload limit).
 * Importers that explain an empty file in their own words pass `allowEmpty`.
 */
export async function readUpload(request: FastifyRequest, options: { maxBytes?: number; allowEmpty?: boolean } = {}): Promise<{ bytes: Buffer; filename: string }> {
  const maxBytes = options.maxBytes ?? request.server.config.uploadMaxBytes;
  const part = await request.file({ limits: { fileSize: maxBytes } });
  if (!part) throw new AppError('FILE_MISSING', 400, {}, [{ field: '/file', code: 'required' }]);
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError('FILE_TOO_LARGE', 413, { limit: `${Number((maxBytes / 1024 / 1024).toFixed(1))} MB` });
    }
    throw error;
  }
  if (bytes.length === 0 && !options.allowEmpty) throw new AppError('FILE_MISSING', 400, {}, [{ field: '/file', code: 'required' }]);
  return { bytes, filename: part.filename.slice(0, 255) };
}
