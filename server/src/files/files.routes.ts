import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import { divisionInScope, type Actor } from '../auth/actor.ts';
import { notFound } from '../http/errors.ts';
import { runCommand } from '../http/command.ts';
import { IdParams } from '../http/pagination.ts';
import type { StoredFile } from '../db/schema.ts';
import { readUpload } from './upload.ts';

const FileInfo = Type.Object({
  id: Type.Integer(),
  mime: Type.String(),
  size: Type.Integer(),
  originalName: Type.String(),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  hasThumbnail: Type.Boolean(),
  ownerType: Type.String(),
  ownerId: Type.String(),
  createdAt: Type.String(),
});

const present = (f: StoredFile) => ({
  id: f.id,
  mime: f.mime,
  size: f.size,
  originalName: f.original_name,
  width: f.width,
  height: f.height,
  hasThumbnail: f.has_thumbnail,
  ownerType: f.owner_type,
  ownerId: f.owner_id,
  createdAt: f.created_at.toISOString(),
});

/**
 * A file is visible to whoever may see the record it belongs to. Modules register a check per owner
 * type (an event's photos follow the event's scope); unregistered owners fall back to division scope.
 */
export type OwnerAccessCheck = (actor: Actor, ownerId: string) => Promise<boolean>;
export const ownerAccessChecks = new Map<string, OwnerAccessCheck>();

async function canSee(actor: Actor, file: StoredFile): Promise<boolean> {
  if (!divisionInScope(actor.scope, file.division_code)) return false;
  if (actor.scope.kind === 'self' && file.uploaded_by !== actor.id) return false;
  const check = ownerAccessChecks.get(file.owner_type);
  return check ? check(actor, file.owner_id) : true;
}

export const fileRoutes: FastifyPluginAsyncTypebox = async (app) => {
  async function loadVisible(request: FastifyRequest, id: number) {
    const file = await app.db.selectFrom('stored_file').selectAll().where('id', '=', id).executeTakeFirst();
    if (!file || !(await canSee(actorOf(request), file))) throw notFound();
    return file;
  }

  app.post(
    '/api/files',
    {
      config: { permission: 'file:file:upload' },
      schema: { tags: ['files'], summary: 'Upload one file (multipart field "file"); the type is sniffed from the bytes', consumes: ['multipart/form-data'], response: { 201: FileInfo } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const { bytes, filename } = await readUpload(request);
      // The bytes are stored before the transaction: content-addressed blobs are harmless if the insert fails.
      const blob = await app.files.save(bytes);
      const row = await runCommand(request, async (trx, audit) => {
        const inserted = await trx
          .insertInto('stored_file')
          .values({
            sha256: blob.sha256,
            mime: blob.mime,
            size: blob.size,
            original_name: filename || 'file',
            width: blob.width,
            height: blob.height,
            has_thumbnail: blob.hasThumbnail,
            owner_type: 'upload',
            owner_id: String(actor.id),
            division_code: actor.divisionCode,
            uploaded_by: actor.type === 'user' ? actor.id : null,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        audit({ action: 'file:file:upload', entityType: 'file', entityId: inserted.id, divisionCode: inserted.division_code, after: { sha256: inserted.sha256, mime: inserted.mime, size: inserted.size, original_name: inserted.original_name } });
        return inserted;
      });
      return reply.code(201).send(present(row));
    },
  );

  app.get('/api/files/:id', { config: { permission: 'file:file:read' }, schema: { tags: ['files'], summary: 'File metadata', params: IdParams, response: { 200: FileInfo } } }, async (request) =>
    present(await loadVisible(request, request.params.id)),
  );

  app.get('/api/files/:id/content', { config: { permission: 'file:file:read' }, schema: { tags: ['files'], summary: 'File bytes', params: IdParams } }, async (request, reply) => {
    const file = await loadVisible(request, request.params.id);
    const bytes = await app.files.read(file.sha256);
    const disposition = file.mime.startsWith('image/') || file.mime === 'application/pdf' ? 'inline' : 'attachment';
    return reply
      .type(file.mime)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, max-age=3600')
      .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.original_name)}`)
      .send(bytes);
  });

  app.get('/api/files/:id/thumbnail', { config: { permission: 'file:file:read' }, schema: { tags: ['files'], summary: 'Image thumbnail (WebP)', params: IdParams } }, async (request, reply) => {
    const file = await loadVisible(request, request.params.id);
    if (!file.has_thumbnail) throw notFound();
    return reply.type('image/webp').header('cache-control', 'private, max-age=3600').send(await app.files.readThumbnail(file.sha256));
  });
};
