import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Actor } from '../../auth/actor.ts';
import { AppError, type FieldError } from '../../http/errors.ts';

type Db = Kysely<DB> | Transaction<DB>;

/**
 * Where a photo was uploaded: staff through /api/files (owner 'upload', owner id = the actor; users and
 * tokens have separate id spaces, so `uploaded_by` tells them apart), residents through the public
 * upload (owner 'public_upload', owner id = the hash of the secret handed back with the photo).
 */
export interface UploadSource {
  ownerType: 'upload' | 'public_upload';
  uploadedBy: number | null;
}

/** "This file is mine": the file id and the owner id the uploader proves. */
export interface PhotoClaim {
  id: number;
  ownerId: string;
}

export const uploaderOf = (actor: Actor): UploadSource => ({ ownerType: 'upload', uploadedBy: actor.type === 'user' ? actor.id : null });
export const claimsOf = (actor: Actor, ids: readonly number[] = []): PhotoClaim[] => ids.map((id) => ({ id, ownerId: String(actor.id) }));

/**
 * Photos attached to an event must be images the caller uploaded and has not attached elsewhere yet.
 * Checked inside the command's transaction, so nothing is half-attached when one of them is wrong.
 */
export async function checkPhotos(db: Db, claims: readonly PhotoClaim[], source: UploadSource, field = '/fileIds'): Promise<number[]> {
  if (claims.length === 0) return [];
  let q = db.selectFrom('stored_file').select(['id', 'mime', 'owner_id']).where('id', 'in', claims.map((c) => c.id)).where('owner_type', '=', source.ownerType);
  q = source.uploadedBy === null ? q.where('uploaded_by', 'is', null) : q.where('uploaded_by', '=', source.uploadedBy);
  const found = new Map((await q.execute()).map((f) => [f.id, f]));
  const errors: FieldError[] = [];
  claims.forEach((claim, i) => {
    const file = found.get(claim.id);
    if (!file || file.owner_id !== claim.ownerId) errors.push({ field: `${field}/${i}`, code: 'EVENT_FILE_NOT_OWNED', params: { id: claim.id } });
    else if (!file.mime.startsWith('image/')) errors.push({ field: `${field}/${i}`, code: 'EVENT_FILE_NOT_IMAGE', params: { id: claim.id, mime: file.mime } });
  });
  if (errors.length) throw new AppError('EVENT_PHOTOS_INVALID', 400, {}, errors);
  return claims.map((c) => c.id);
}

/** Re-owns the files to the event, so they follow the event's scope from now on. */
export async function attachPhotos(trx: Db, ids: readonly number[], eventId: number, divisionCode: string) {
  if (ids.length === 0) return;
  await trx.updateTable('stored_file').set({ owner_type: 'event', owner_id: String(eventId), division_code: divisionCode }).where('id', 'in', [...ids]).execute();
}
