import crypto from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError } from '../../http/errors.ts';
import { runCommand, runStatement, type Audit, type CommandRunner, type StatementRunner } from '../../http/command.ts';
import { pointToWgs84, type PointInput } from '../../gis/coordinates.ts';
import { maskPhone } from '../../privacy/masking.ts';
import { parsePhone } from '../registry/validators/phone.ts';
import type { Insertable, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { EventHistoryTable, EventSource, EventTable, Urgency } from './events.tables.ts';
import { eventsRepo } from './events.repo.ts';
import { phaseDeadline, phaseOf, type EventRow } from './event-effects.ts';
import { attachPhotos, checkPhotos, claimsOf, uploaderOf, type PhotoClaim, type UploadSource } from './event-files.ts';
import type { IntakeBody } from './events.schema.ts';
import { caseCode, caseDay, defaultTitle, initialState, townOf } from './intake-rules.ts';

/** One intake for every channel: the source is a field of the report, not a branch of the code. */
export interface Report {
  source: EventSource;
  categoryCode: string;
  description: string;
  title?: string;
  location?: PointInput;
  address?: string;
  photos?: PhotoClaim[];
  reporterName?: string;
  reporterPhone?: string;
  urgency?: Urgency;
  sourceRef?: string;
  idempotencyKey?: string;
}

/** Who reports: a signed-in user, a machine token, or a resident on the public page. */
export interface Reporter {
  actorType: EventHistoryTable['actor_type'];
  actorId: number | null;
  actorName: string;
  /** Set for users: they keep seeing what they reported. */
  userId: number | null;
  /** Where a report without a grid lands: the town of this division. */
  divisionCode: string;
  uploads: UploadSource;
  /** Residents may report only the categories open to them. */
  publicOnly: boolean;
  /** Hash of the resident's follow-up token. */
  followTokenHash?: string;
  /** Field names in errors: the staff API nests them differently from the public page. */
  fields: { photos: string; phone: string };
  /** What the channel keeps beside the event, written in the same transaction (Open311: its attributes). */
  alongside?: (trx: Transaction<DB>, event: EventRow, audit: Audit) => Promise<void>;
}

export interface IntakeOutcome {
  event: EventRow;
  created: boolean;
  /** The name of the event's division, read by the statement that stored it (undefined for a replay). */
  divisionName?: string | null;
}

/** How an intake writes: in a transaction when it has more to write than the event, else as one statement. */
export interface IntakeRunners {
  run: CommandRunner;
  statement: StatementRunner;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export function intake(request: FastifyRequest, report: Report, reporter: Reporter): Promise<IntakeOutcome> {
  return intakeWith(request.server, { run: (work) => runCommand(request, work), statement: (work) => runStatement(request, work) }, report, reporter);
}

/** The intake itself; `runners` are the request's commands or, for reports the platform raises itself, system ones. */
export async function intakeWith(app: FastifyInstance, runners: IntakeRunners, report: Report, reporter: Reporter): Promise<IntakeOutcome> {
  if (report.idempotencyKey) {
    const existing = await eventsRepo.findByIdempotencyKey(app.db, report.source, report.idempotencyKey);
    if (existing) return { event: existing, created: false };
  }
  const category = await app.eventConfig.category(report.categoryCode);
  if (!category || !category.active || (reporter.publicOnly && !category.publicReportable)) {
    throw new AppError('EVENT_CATEGORY_UNKNOWN', 400, { code: report.categoryCode }, [{ field: '/categoryCode', code: 'EVENT_CATEGORY_UNKNOWN', params: { code: report.categoryCode } }]);
  }
  const phone = reporterPhone(app, report.reporterPhone, reporter.fields.phone);
  const point = report.location ? pointToWgs84(report.location, '/location') : null;
  const grid = point ? app.grids.locate(point[0], point[1]) : null;
  const town = grid ? grid.unitGridCode.slice(0, 9) : await townFor(app, reporter.divisionCode);
  const state = initialState(report.source, grid !== null);
  const divisionCode = grid?.unitGridCode ?? town;

  const now = Date.now();
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const phase = phaseOf(state)!;
  const day = caseDay(now);
  // Taken before the transaction so that concurrent intakes do not queue on the counter row; like a
  // sequence, a number taken by an intake that then fails is skipped.
  const code = caseCode(town, day, await eventsRepo.nextSequence(app.db, town, day));
  const at = new Date(now);
  const urgency = report.urgency ?? 'normal';

  const row: Insertable<EventTable> = {
    code,
    source: report.source,
    source_ref: report.sourceRef ?? null,
    idempotency_key: report.idempotencyKey ?? null,
    category_code: category.code,
    title: report.title ?? defaultTitle(category.minorName, report.address ?? ''),
    description: report.description,
    address: report.address ?? '',
    lng: point?.[0] ?? null,
    lat: point?.[1] ?? null,
    grid_code: grid?.unitGridCode ?? null,
    division_code: divisionCode,
    urgency,
    reporter_name: report.reporterName ?? null,
    reporter_phone: phone?.cipher ?? null,
    reporter_phone_idx: phone?.index ?? null,
    reporter_phone_masked: phone?.masked ?? null,
    reporter_user_id: reporter.userId,
    follow_token_hash: reporter.followTokenHash ?? null,
    state,
    phase,
    phase_started_at: at,
    phase_deadline: phaseDeadline(calendar, phase, now, limits, urgency),
    reported_at: at,
    created_at: at,
    updated_at: at,
  };
  const history = { at, actor_type: reporter.actorType, actor_id: reporter.actorId, actor_name: reporter.actorName, action: 'report', details: { source: report.source, ...(grid ? { gridCode: grid.unitGridCode } : { placement: 'pending' }) } };
  const auditOf = (photoIds: number[]) => ({ action: 'event:case:create', entityType: 'event', divisionCode, after: { code, source: report.source, category_code: category.code, state, division_code: divisionCode, photos: photoIds } });
  const photos = report.photos ?? [];

  try {
    // Most reports are the event alone: one statement writes it, its history and its audit row. Photos
    // (checked, then re-owned) and what a channel keeps alongside need a transaction.
    const event =
      photos.length === 0 && !reporter.alongside
        ? await runners.statement((db, context) => eventsRepo.insertReported(db, row, { ...history, file_ids: [] }, { context, entry: auditOf([]) }))
        : await runners.run(async (trx, audit) => {
            const photoIds = await checkPhotos(trx, photos, reporter.uploads, reporter.fields.photos);
            const event = await eventsRepo.insertReported(trx, row, { ...history, file_ids: photoIds });
            await attachPhotos(trx, photoIds, event.id, divisionCode);
            audit({ ...auditOf(photoIds), entityId: event.id });
            await reporter.alongside?.(trx, event, audit);
            return event;
          });
    app.realtime.publish({ type: 'event.created', divisionCode, data: { id: event.id, code, state, categoryCode: category.code } });
    const { division_name: divisionName, ...stored } = event;
    return { event: stored, created: true, divisionName };
  } catch (error) {
    // Two deliveries of one machine report raced: the other one was stored, this one is the replay.
    if (report.idempotencyKey && isUniqueViolation(error)) {
      const existing = await eventsRepo.findByIdempotencyKey(app.db, report.source, report.idempotencyKey);
      if (existing) return { event: existing, created: false };
    }
    throw error;
  }
}

/** The reporter's phone as the registry keeps phones: ciphertext, blind index, masked form. */
function reporterPhone(app: FastifyInstance, raw: string | undefined, field: string) {
  if (raw === undefined) return null;
  const parsed = parsePhone(raw);
  if (!parsed.ok) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field, code: parsed.code }]);
  return { cipher: app.privacy.encrypt(parsed.value), index: app.privacy.blindIndex('phone', parsed.value), masked: maskPhone(parsed.value) };
}

async function townFor(app: FastifyInstance, divisionCode: string): Promise<string> {
  const town = townOf(divisionCode) ?? (await eventsRepo.firstTownWithin(app.db, divisionCode))?.code;
  if (!town) throw new Error(`no town inside division ${divisionCode}: events need one`);
  return town;
}

/** A secret for following a public report; the event keeps only its hash. */
export function newFollowToken(): { token: string; hash: string } {
  const token = crypto.randomBytes(18).toString('base64url');
  return { token, hash: hashToken(token) };
}

export const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

/** A report through the staff API (apps, hotline desk, machine tokens): the caller is the reporter. */
export async function staffReport(request: FastifyRequest, body: IntakeBody): Promise<IntakeOutcome> {
  const actor = actorOf(request);
  return intake(
    request,
    {
      source: body.source,
      categoryCode: body.categoryCode,
      description: body.description,
      title: body.title,
      location: body.location,
      address: body.address,
      photos: claimsOf(actor, body.fileIds),
      reporterName: body.reporter?.name,
      reporterPhone: body.reporter?.phone,
      urgency: body.urgency,
      sourceRef: body.sourceRef,
      idempotencyKey: body.idempotencyKey,
    },
    {
      actorType: actor.type,
      actorId: actor.id,
      actorName: actor.name,
      userId: actor.type === 'user' ? actor.id : null,
      divisionCode: actor.divisionCode,
      uploads: uploaderOf(actor),
      publicOnly: false,
      fields: { photos: '/fileIds', phone: '/reporter/phone' },
    },
  );
}
