import crypto from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { eventsRepo } from './events.repo.ts';
import { maskPersonalDataInText } from '../../privacy/masking.ts';
import { intake, newFollowToken, hashToken } from './intake.service.ts';
import { publicStage, type EventState } from './event-workflow.ts';
import type { PublicIntakeBody } from './events.schema.ts';
import { readUpload } from '../../files/upload.ts';

/**
 * The resident H5 page: report without signing in, follow the report with its code and a secret
 * token, see its progress in the six public steps (上报 → 立案 → 派遣 → 处置 → 反馈 → 结案) and nothing
 * personal.
 */
export const publicSteps = ['reported', 'registered', 'dispatched', 'handling', 'feedback', 'closed'] as const;

const imageAllowed = 'JPEG, PNG, WebP, GIF';

/** Stores one photo for a report to come; the caller gets `<fileId>.<secret>` to cite it in the report. */
export async function publicUpload(request: FastifyRequest) {
  const app = request.server;
  const { bytes, filename } = await readUpload(request);
  // Stored before the transaction, as /api/files does: a content-addressed blob left over is harmless.
  const blob = await app.files.save(bytes);
  if (!blob.mime.startsWith('image/')) throw new AppError('FILE_TYPE_NOT_ALLOWED', 415, { mime: blob.mime, allowed: imageAllowed });
  const town = await eventsRepo.firstTownWithin(app.db, '');
  if (!town) throw new Error('no town configured');
  const secret = crypto.randomBytes(24).toString('base64url');
  const row = await runCommand(request, async (trx, audit) => {
    const inserted = await trx
      .insertInto('stored_file')
      .values({ sha256: blob.sha256, mime: blob.mime, size: blob.size, original_name: filename || 'photo', width: blob.width, height: blob.height, has_thumbnail: blob.hasThumbnail, owner_type: 'public_upload', owner_id: hashToken(secret), division_code: town.code, uploaded_by: null })
      .returning(['id', 'mime', 'size', 'division_code'])
      .executeTakeFirstOrThrow();
    audit({ action: 'event:public:upload', entityType: 'file', entityId: inserted.id, divisionCode: inserted.division_code, after: { sha256: blob.sha256, mime: blob.mime, size: blob.size } });
    return inserted;
  });
  return { photo: `${row.id}.${secret}`, mime: row.mime, size: row.size };
}

export async function publicReport(request: FastifyRequest, body: PublicIntakeBody) {
  const follow = newFollowToken();
  const photos = (body.photos ?? []).map((photo) => {
    const [id, secret] = photo.split('.') as [string, string];
    return { id: Number(id), ownerId: hashToken(secret) };
  });
  const { event } = await intake(
    request,
    { source: 'public', categoryCode: body.categoryCode, description: body.description, location: body.location, address: body.address, photos, reporterName: body.name, reporterPhone: body.phone },
    {
      actorType: 'public',
      actorId: null,
      actorName: body.name ?? '公众',
      userId: null,
      divisionCode: '',
      uploads: { ownerType: 'public_upload', uploadedBy: null },
      publicOnly: true,
      followTokenHash: follow.hash,
      fields: { photos: '/photos', phone: '/phone' },
    },
  );
  return { code: event.code, followToken: follow.token };
}

/** The event a resident follows with its code and follow token; a wrong token answers exactly like an unknown code (404). */
export async function followedEvent(db: Kysely<DB>, code: string, token: string) {
  const event = await eventsRepo.findByCode(db, code);
  if (!event?.follow_token_hash || !sameHash(event.follow_token_hash, hashToken(token))) throw notFound();
  return event;
}

export async function publicProgress(request: FastifyRequest, code: string, token: string) {
  const app = request.server;
  const event = await followedEvent(app.db, code, token);
  const [entries, category, replies] = await Promise.all([
    eventsRepo.stateEntries(app.db, event.id),
    event.category_code ? app.eventConfig.category(event.category_code) : undefined,
    eventsRepo.latestPublicReplies(app.db, [event.id]),
  ]);
  const reply = replies.get(event.id);
  const reached = new Map<string, Date>();
  for (const entry of entries) {
    const stage = publicStage(entry.to_state as EventState);
    const at = new Date(entry.at);
    const known = reached.get(stage);
    if (!known || at < known) reached.set(stage, at);
  }
  return {
    code: event.code,
    categoryName: category?.minorName ?? null,
    reportedAt: event.reported_at.toISOString(),
    stage: publicStage(event.state as EventState),
    steps: publicSteps.map((stage) => ({ stage, at: reached.get(stage)?.toISOString() ?? null })),
    // What the unit answered (handling result, closure note, or why it was not taken up); numbers masked.
    reply: reply === undefined ? null : maskPersonalDataInText(reply),
  };
}

const sameHash = (a: string, b: string) => a.length === b.length && crypto.timingSafeEqual(Buffer.from(a), Buffer.from(b));
