import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './errors.ts';
import { isMessageKey, localeFromHeader, translate, type Locale, type MessageKey, type MessageParams } from '../i18n/messages.ts';

/**
 * Every error leaves as RFC 9457 application/problem+json:
 * `{ type, title, status, code, detail, instance, fields: [{ field, code, message }] }`.
 * `code` is stable; `detail` and field messages are in the caller's language.
 */
export function problemHandler(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
  // The language the caller asks for wins; a signed-in user's saved language applies otherwise.
  const header = request.headers['accept-language'];
  const locale: Locale = header ? localeFromHeader(header) : (request.actor?.locale ?? 'zh-CN');
  const appError = toAppError(error);
  if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
  if (appError.code === 'RATE_LIMITED' && 'retryAfter' in appError.params) reply.header('retry-after', String(appError.params.retryAfter));
  return reply
    .code(appError.status)
    .type('application/problem+json; charset=utf-8')
    .send(problemBody(appError, locale, request.url));
}

export function problemBody(appError: AppError, locale: Locale, instance: string) {
  return {
    type: `urn:gongzhi:problem:${appError.code.toLowerCase().replace(/_/g, '-')}`,
    title: appError.code,
    status: appError.status,
    code: appError.code,
    detail: translate(locale, appError.code, localizeParams(appError.params, locale)),
    instance,
    fields: appError.fields.map((f) => ({ field: f.field, code: f.code, message: fieldMessage(f, locale) })),
  };
}

function localizeParams(params: MessageParams, locale: Locale): MessageParams {
  const entity = params.entity;
  if (typeof entity === 'string' && isMessageKey(`entity.${entity}`)) {
    return { ...params, entity: translate(locale, `entity.${entity}` as MessageKey) };
  }
  return params;
}

function fieldMessage(field: FieldError, locale: Locale): string {
  const key = `validation.${field.code}`;
  if (isMessageKey(key)) return translate(locale, key, field.params);
  if (isMessageKey(field.code)) return translate(locale, field.code, { field: field.field, ...field.params });
  return translate(locale, 'validation.other');
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

export function toAppError(error: FastifyError | AppError): AppError {
  if (error instanceof AppError) return error;
  const fastifyError = error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (fastifyError.validation) {
    return new AppError('VALIDATION_FAILED', 400, {}, fastifyError.validation.flatMap((issue) => validationFields(issue, fastifyError.validationContext)));
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('MALFORMED_JSON', 400);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('BODY_TOO_LARGE', 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 415);
  }
  if (fastifyError.statusCode === 429) return new AppError('RATE_LIMITED', 429);
  if (fastifyError.name === 'SyntaxError' && fastifyError.statusCode === 400) return new AppError('MALFORMED_JSON', 400);
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', fastifyError.statusCode);
  }
  return new AppError('INTERNAL', 500);
}

/** TypeBox names several missing or unknown properties in one issue: one field error each. */
function validationFields(issue: ValidationIssue, context: string | undefined): FieldError[] {
  const prefix = context && context !== 'body' ? `/${context}` : '';
  const base = `${prefix}${issue.instancePath || ''}`;
  const params = issue.params ?? {};
  // `additionalProperties: false` also yields a "schema is false" issue for the same field.
  if (issue.keyword === 'boolean') return [];
  if (issue.keyword === 'required' || issue.keyword === 'additionalProperties') {
    const names = (params.requiredProperties ?? params.additionalProperties ?? [params.missingProperty ?? params.additionalProperty]) as unknown[];
    return names.map((name) => ({ field: `${base}/${String(name)}`, code: issue.keyword }));
  }
  let code = issue.keyword;
  const out: MessageParams = {};
  switch (issue.keyword) {
    case 'type':
      out.type = String(params.type);
      break;
    case 'minLength':
    case 'maxLength':
    case 'minimum':
    case 'maximum':
    case 'minItems':
    case 'maxItems':
      out.limit = Number(params.limit ?? params.comparison ?? 0);
      break;
    case 'format':
      out.format = String(params.format);
      break;
    case 'enum':
      out.allowed = (params.allowedValues as unknown[] | undefined)?.join(', ') ?? '';
      break;
    case 'pattern':
    case 'uniqueItems':
      break;
    case 'const':
    case 'anyOf':
      code = 'other';
      break;
    default:
      code = 'other';
  }
  return [{ field: base || '/', code, params: out }];
}
