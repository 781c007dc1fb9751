import { fileTypeFromBuffer } from 'file-type';

/**
 * Evidence frames from cameras and analytics servers: fetched with a timeout and a size limit, and
 * accepted only when the bytes are an image (sniffed, whatever the server says). Never called inside a
 * database transaction: a slow camera must not hold the database.
 */
export interface FetchLimits {
  timeoutMs: number;
  maxBytes: number;
}

export type Fetched = { ok: true; bytes: Buffer; mime: string } | { ok: false; error: string };

const imageTypes = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

export async function sniffImage(bytes: Buffer): Promise<Fetched> {
  const type = await fileTypeFromBuffer(bytes);
  if (!type || !imageTypes.has(type.mime)) return { ok: false, error: `SNAPSHOT_NOT_IMAGE: ${type?.mime ?? 'unknown type'}, ${bytes.length} bytes` };
  return { ok: true, bytes, mime: type.mime };
}

export async function fetchImage(url: string, limits: FetchLimits): Promise<Fetched> {
  const signal = AbortSignal.timeout(limits.timeoutMs);
  try {
    const response = await fetch(url, { signal, redirect: 'follow', headers: { accept: 'image/*' } });
    if (!response.ok) {
      await response.body?.cancel();
      return { ok: false, error: `SNAPSHOT_HTTP_${response.status}: ${url}` };
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > limits.maxBytes) {
      await response.body?.cancel();
      return { ok: false, error: `SNAPSHOT_TOO_LARGE: ${declared} bytes > ${limits.maxBytes}` };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > limits.maxBytes) return { ok: false, error: `SNAPSHOT_TOO_LARGE: more than ${limits.maxBytes} bytes` };
      chunks.push(Buffer.from(chunk));
    }
    return sniffImage(Buffer.concat(chunks));
  } catch (error) {
    if (signal.aborted) return { ok: false, error: `SNAPSHOT_TIMEOUT: no answer within ${limits.timeoutMs} ms from ${url}` };
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, error: `SNAPSHOT_UNREACHABLE: ${cause ?? (error as Error).message} (${url})` };
  }
}
