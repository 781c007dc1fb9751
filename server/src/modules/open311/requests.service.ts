import type { FastifyInstance, FastifyRequest } from 'fastify';
import { localeFromHeader, translate, type Locale } from '../../i18n/messages.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Actor } from '../../auth/actor.ts';
import { isValidLngLat } from '../../gis/coordinates.ts';
import { maskEmail } from '../../privacy/masking.ts';
import { parsePhone } from '../registry/validators/phone.ts';
import { intake } from '../events/intake.service.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { townOf } from '../events/intake-rules.ts';
import { checkAnswers, describeAnswers, type AttributeDefinition } from './attributes.ts';
import { open311Repo, toDefinition, type RequestFilter } from './open311.repo.ts';
import { presentRequest } from './open311.present.ts';
import { parseOpen311Time } from './open311.format.ts';
import { unknownService } from './services.service.ts';

/** A form field as it arrives: once, or repeated. */
export type FormValue = string | string[];
export type Form = Record<string, FormValue | undefined>;

/** The first value of a field; empty means absent, as the spec asks. */
const first = (value: FormValue | undefined): string | undefined => {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  return text ? text : undefined;
};

/** `attribute[code]=v` and `attribute[code][]=v1&attribute[code][]=v2` → { code: [v…] }. */
function attributeValues(form: Form): Record<string, string[]> {
  const values: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(form)) {
    const match = /^attribute\[([^\]]+)\](?:\[\])?$/.exec(key);
    if (match && value !== undefined) (values[match[1]!] ??= []).push(...[value].flat());
  }
  return values;
}

const limits = { description: 4000, address: 200, name: 32, email: 254, mediaUrl: 2000, id: 128 };
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const tooLong = (field: string, value: string | undefined, limit: number): FieldError[] =>
  value !== undefined && value.length > limit ? [{ field, code: 'maxLength', params: { limit } }] : [];

/** "张三" from last_name 张 + first_name 三; "Jane Doe" from first_name Jane + last_name Doe. */
function reporterName(firstName: string | undefined, lastName: string | undefined): string | undefined {
  if (!firstName || !lastName) return firstName ?? lastName;
  return /\p{Script=Han}/u.test(firstName + lastName) ? `${lastName}${firstName}` : `${firstName} ${lastName}`;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Where a report lands must be inside the key's area: a point in a grid of that area, or, for a key
 * at town level or above, a report the town's command center places by hand (no point, or a point
 * outside every grid).
 */
function locationErrors(app: FastifyInstance, key: Actor, point: [number, number] | undefined): FieldError[] {
  const area = key.divisionCode;
  const grid = point ? app.grids.locate(point[0], point[1]) : null;
  const landsIn = grid ? grid.unitGridCode : townOf(area) ?? area;
  return landsIn.startsWith(area) ? [] : [{ field: point ? 'lat' : 'address_string', code: 'OPEN311_OUTSIDE_AREA', params: { division: area } }];
}

interface CheckedReport {
  serviceCode: string;
  point: [number, number] | undefined;
  definitions: AttributeDefinition[];
  answers: ReturnType<typeof checkAnswers>['answers'];
}

/** Every problem of a POST at once, so a client fixes them in one round. */
async function checkReport(app: FastifyInstance, key: Actor, form: Form): Promise<CheckedReport> {
  const serviceCode = first(form.service_code);
  if (!serviceCode) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: 'service_code', code: 'required' }]);
  const service = await open311Repo.service(app.db, serviceCode);
  if (!service) throw unknownService(serviceCode);
  const definitions = (await open311Repo.attributes(app.db, service.code)).map(toDefinition);
  const errors: FieldError[] = [];

  const [lat, long] = [first(form.lat), first(form.long)];
  let point: [number, number] | undefined;
  if (lat !== undefined || long !== undefined) {
    const [y, x] = [Number(lat), Number(long)];
    if (lat === undefined || long === undefined || !isValidLngLat(x, y)) errors.push({ field: 'lat/long', code: 'OPEN311_COORDINATE' });
    else point = [x, y];
  } else if (!first(form.address_string)) {
    errors.push({ field: 'lat/long', code: first(form.address_id) ? 'OPEN311_ADDRESS_ID' : 'OPEN311_LOCATION' });
  }
  if (errors.length === 0) errors.push(...locationErrors(app, key, point));

  const email = first(form.email);
  if (email !== undefined && (!emailPattern.test(email) || email.length > limits.email)) errors.push({ field: 'email', code: 'OPEN311_EMAIL' });
  const phone = first(form.phone);
  if (phone !== undefined && !parsePhone(phone).ok) errors.push({ field: 'phone', code: 'PHONE_FORMAT' });
  const mediaUrl = first(form.media_url);
  if (mediaUrl !== undefined && (!isHttpUrl(mediaUrl) || mediaUrl.length > limits.mediaUrl)) errors.push({ field: 'media_url', code: 'OPEN311_URL' });
  errors.push(
    ...tooLong('description', first(form.description), limits.description),
    ...tooLong('address_string', first(form.address_string), limits.address),
    ...tooLong('first_name', first(form.first_name), limits.name),
    ...tooLong('last_name', first(form.last_name), limits.name),
    ...tooLong('device_id', first(form.device_id), limits.id),
    ...tooLong('account_id', first(form.account_id), limits.id),
  );

  const checked = checkAnswers(definitions, attributeValues(form));
  errors.push(...checked.errors);
  if (errors.length) throw new AppError('VALIDATION_FAILED', 400, {}, errors);
  return { serviceCode: service.code, point, definitions, answers: checked.answers };
}

/**
 * POST requests: the report enters the same intake as the resident H5 page (source `public`, only
 * public-reportable categories), and what Open311 brings beyond it (attribute answers, media link,
 * e-mail, device and account ids) is kept beside the event in the same transaction. The case number
 * comes back at once as `service_request_id` (type realtime: no tokens).
 */
export async function createRequest(request: FastifyRequest, key: Actor, form: Form, locale: Locale) {
  const app = request.server;
  const report = await checkReport(app, key, form);
  const answers = describeAnswers(report.definitions, report.answers, 'zh-CN');
  const description = [first(form.description), answers.length ? `【附加信息】\n${answers.join('\n')}` : undefined].filter(Boolean).join('\n\n');
  const email = first(form.email);
  const mediaUrl = first(form.media_url);
  const accountId = first(form.account_id);
  const { event } = await intake(
    request,
    {
      source: 'public',
      categoryCode: report.serviceCode,
      description,
      location: report.point ? { lng: report.point[0], lat: report.point[1] } : undefined,
      address: first(form.address_string),
      reporterName: reporterName(first(form.first_name), first(form.last_name)),
      reporterPhone: first(form.phone),
    },
    {
      actorType: 'token',
      actorId: key.id,
      actorName: key.name,
      userId: null,
      divisionCode: key.divisionCode,
      uploads: { ownerType: 'public_upload', uploadedBy: null },
      publicOnly: true,
      fields: { photos: 'media_url', phone: 'phone' },
      alongside: async (trx, created, audit) => {
        const extras = { api_token_id: key.id, attributes: JSON.stringify(report.answers), media_url: mediaUrl ?? null, email_masked: email ? maskEmail(email) : null, device_id: first(form.device_id) ?? null, account_id: accountId ?? null };
        await open311Repo.insertRequest(trx, { event_id: created.id, ...extras, email: email ? app.privacy.encrypt(email) : null });
        audit({ action: 'open311:request:create', entityType: 'event', entityId: created.id, divisionCode: created.division_code, after: { ...extras, attributes: report.answers } });
      },
    },
  );
  return [{ service_request_id: event.code, service_notice: translate(locale, 'OPEN311_NOTICE', { code: event.code }), account_id: accountId ?? null }];
}

/** The spec's defaults: the last 90 days, and a window of at most 90 days. */
const windowDays = 90;
const dayMs = 86_400_000;
/**
 * Requests per answer. The spec caps an answer at 1000 requests ("at most … the first 1000"); we
 * answer 200 unless asked for more (about 90 KB of JSON, quick even on the embedded database), and
 * pages (the `page` / `page_size` extension of Chicago, Boston, Toronto…) reach the rest of the window.
 */
export const defaultPageSize = 200;
export const maxPageSize = 1000;

export interface RequestsQuery {
  service_request_id?: string;
  service_code?: string;
  start_date?: string;
  end_date?: string;
  status?: string;
  page?: string;
  page_size?: string;
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function positiveInteger(field: string, value: string | undefined, fallback: number, max: number, errors: FieldError[]): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) errors.push({ field, code: 'minimum', params: { limit: 1 } });
  else if (n > max) errors.push({ field, code: 'maximum', params: { limit: max } });
  return n;
}

/** The query of GET requests as a repository filter, or every problem with it. */
export function requestFilter(query: RequestsQuery, divisionCode: string, now: number): RequestFilter {
  const errors: FieldError[] = [];
  const codes = list(query.service_request_id);
  if (codes.length > maxPageSize) errors.push({ field: 'service_request_id', code: 'maxItems', params: { limit: maxPageSize } });
  const statuses = list(query.status);
  if (statuses.some((s) => s !== 'open' && s !== 'closed')) errors.push({ field: 'status', code: 'OPEN311_STATUS' });
  const date = (field: 'start_date' | 'end_date') => {
    const text = query[field]?.trim();
    if (!text) return undefined;
    const parsed = parseOpen311Time(text);
    if (!parsed) errors.push({ field, code: 'OPEN311_DATETIME' });
    return parsed;
  };
  const start = date('start_date');
  const end = date('end_date');
  if (start && end && (end < start || end.getTime() - start.getTime() > windowDays * dayMs)) errors.push({ field: 'end_date', code: 'OPEN311_DATE_RANGE', params: { days: windowDays } });
  const page = positiveInteger('page', query.page, 1, 100_000, errors);
  const pageSize = positiveInteger('page_size', query.page_size, defaultPageSize, maxPageSize, errors);
  if (errors.length) throw new AppError('VALIDATION_FAILED', 400, {}, errors);

  // One end given: the window runs 90 days from it; none: the last 90 days.
  const from = start ?? new Date((end?.getTime() ?? now) - windowDays * dayMs);
  const to = end ?? (start ? new Date(start.getTime() + windowDays * dayMs) : undefined);
  return {
    divisionCode,
    ...(codes.length ? { codes } : {}),
    ...(list(query.service_code).length ? { serviceCodes: list(query.service_code) } : {}),
    from,
    ...(to ? { to } : {}),
    ...(statuses.length === 1 ? { status: statuses[0] as 'open' | 'closed' } : {}),
    limit: pageSize,
    offset: (page - 1) * pageSize,
  };
}

async function presentRequests(app: FastifyInstance, filter: RequestFilter, locale: Locale) {
  const rows = await open311Repo.requests(app.db, filter);
  const notes = await eventsRepo.latestPublicReplies(app.db, rows.map((r) => r.id));
  return rows.map((row) => presentRequest(row, notes.get(row.id), locale));
}

/** GET requests: everyone's with no key; with a key, only its area (`divisionCode`). */
export const listRequests = (app: FastifyInstance, query: RequestsQuery, divisionCode: string, locale: Locale) =>
  presentRequests(app, requestFilter(query, divisionCode, Date.now()), locale);

/** GET requests/{id}: a list of one, as the spec has it. */
export async function oneRequest(app: FastifyInstance, code: string, divisionCode: string, locale: Locale) {
  const found = await presentRequests(app, { divisionCode, codes: [code], limit: 1, offset: 0 }, locale);
  if (found.length === 0) throw new AppError('OPEN311_REQUEST_UNKNOWN', 404, { id: code });
  return found;
}

export const requestLocale = (request: FastifyRequest): Locale => localeFromHeader(request.headers['accept-language']);
