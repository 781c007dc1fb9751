/**
 * A minimal reader of a buffered multipart body (multipart/form-data or multipart/mixed), enough for
 * camera pushes: an XML or JSON part and JPEG parts, each with its own headers. Cameras take the
 * boundary token verbatim (angle brackets may be part of it) and some omit the final `--`.
 */
export interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  return (match?.[1] ?? match?.[2])?.trim() || undefined;
}

export function splitMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let start = body.indexOf(delimiter);
  while (start !== -1) {
    let from = start + delimiter.length;
    if (body.subarray(from, from + 2).toString() === '--') break;
    from = skipLineBreak(body, from);
    const next = body.indexOf(delimiter, from);
    const end = next === -1 ? body.length : next;
    const part = parsePart(trimTrailingLineBreak(body.subarray(from, end)));
    if (part) parts.push(part);
    start = next;
  }
  return parts;
}

function skipLineBreak(body: Buffer, at: number): number {
  if (body[at] === 0x0d && body[at + 1] === 0x0a) return at + 2;
  if (body[at] === 0x0a) return at + 1;
  return at;
}

function trimTrailingLineBreak(chunk: Buffer): Buffer {
  if (chunk.length >= 2 && chunk[chunk.length - 2] === 0x0d && chunk[chunk.length - 1] === 0x0a) return chunk.subarray(0, -2);
  if (chunk.length >= 1 && chunk[chunk.length - 1] === 0x0a) return chunk.subarray(0, -1);
  return chunk;
}

/** Headers end at the first blank line; a part without one (some firmware) is all body. */
function parsePart(chunk: Buffer): Part | undefined {
  if (!chunk.length) return undefined;
  let split = chunk.indexOf('\r\n\r\n');
  let gap = 4;
  if (split === -1) {
    split = chunk.indexOf('\n\n');
    gap = 2;
  }
  const head = split === -1 ? '' : chunk.subarray(0, split).toString('latin1');
  const looksLikeHeaders = /^[A-Za-z-]+:/.test(head);
  if (!looksLikeHeaders) return { headers: {}, body: chunk };
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { headers, body: chunk.subarray(split + gap) };
}
