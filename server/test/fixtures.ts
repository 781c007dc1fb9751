import sharp from 'sharp';

/** A real PNG made on the spot (a small gradient-free block of colour). */
export function testPng(width = 640, height = 480, color = '#2f6fb0') {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

export const multipartBoundary = 'XBOUNDARY';

/** A multipart/form-data body with one file field named "file". */
export function multipart(filename: string, bytes: Buffer, contentType = 'image/png') {
  return Buffer.concat([
    Buffer.from(`--${multipartBoundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${multipartBoundary}--\r\n`),
  ]);
}

export const multipartHeaders = { 'content-type': `multipart/form-data; boundary=${multipartBoundary}` };
