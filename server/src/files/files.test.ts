import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestApp, type Session, type TestApp } from '../../test/test-app.ts';
import { multipart, multipartHeaders, testPng } from '../../test/fixtures.ts';

describe('file attachments', () => {
  let t: TestApp;
  let grid: Session;
  beforeAll(async () => {
    t = await createTestApp({ uploadMaxBytes: 200_000 });
    grid = await t.login('grid');
  });
  afterAll(() => t.close());

  const upload = (session: Session, name: string, bytes: Buffer, type?: string) =>
    t.as(session, { method: 'POST', url: '/api/files', payload: multipart(name, bytes, type), headers: multipartHeaders });

  it('sniffs the type from the bytes, stores by content hash and makes a thumbnail', async () => {
    const png = await testPng(800, 600);
    const response = await upload(grid, '现场照片.jpg', png, 'image/jpeg');
    expect(response.statusCode).toBe(201);
    const file = response.json();
    expect(file).toMatchObject({ mime: 'image/png', width: 800, height: 600, hasThumbnail: true, originalName: '现场照片.jpg' });
    const content = await t.as(grid, { method: 'GET', url: `/api/files/${file.id}/content` });
    expect(content.headers['content-type']).toBe('image/png');
    expect(content.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(content.rawPayload, png)).toBe(0);
    const thumb = await t.as(grid, { method: 'GET', url: `/api/files/${file.id}/thumbnail` });
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width!, meta.height!)).toBe(320);
    const again = (await upload(grid, 'copy.png', png)).json();
    const rows = await t.app.db.selectFrom('stored_file').select('sha256').where('id', 'in', [file.id, again.id]).execute();
    expect(new Set(rows.map((r) => r.sha256)).size).toBe(1);
  });

  it('refuses content that is not an allowed type whatever the client claims', async () => {
    const response = await upload(grid, 'evil.png', Buffer.from('<script>alert(1)</script>'), 'image/png');
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('FILE_TYPE_NOT_ALLOWED');
  });

  it('refuses files over the size limit and empty uploads', async () => {
    const big = await sharp({ create: { width: 1200, height: 1200, channels: 3, background: '#123456' }, }).raw().toBuffer();
    const response = await upload(grid, 'big.png', big);
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('FILE_TOO_LARGE');
    expect((await upload(grid, 'empty.png', Buffer.alloc(0))).json().code).toBe('FILE_MISSING');
  });

  it('serves a file only to those who may see its record', async () => {
    const file = (await upload(grid, 'a.png', await testPng(64, 64, '#ff0000'))).json();
    const otherVillage = await t.login('v205');
    expect((await t.as(otherVillage, { method: 'GET', url: `/api/files/${file.id}/content` })).statusCode).toBe(404);
    const ownVillage = await t.login('village');
    expect((await t.as(ownVillage, { method: 'GET', url: `/api/files/${file.id}/content` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/files/${file.id}/content` })).statusCode).toBe(401);
  });
});
