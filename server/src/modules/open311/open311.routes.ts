import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../http/errors.ts';
import { problemBody, toAppError } from '../../http/problem.ts';
import { keyActor } from './api-key.ts';
import { discoverySettings } from './config.service.ts';
import { contentTypes, formats, sendOpen311, type Format } from './open311.format.ts';
import { CreatedRequest, CreateRequestBody, Discovery, FormatParams, Open311Errors, RequestParams, RequestsQuery, Service, ServiceDefinition, ServiceParams, ServiceRequest, TokenParams } from './open311.schema.ts';
import { createRequest, listRequests, oneRequest, requestLocale, type Form } from './requests.service.ts';
import { listServices, serviceDefinition } from './services.service.ts';

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) at /open311/v2, outside /api: the spec
 * fixes its own paths, formats, api_key and errors. Reading needs no key (nothing personal is
 * published); POST requests needs a key with the open311 scope. Registered with the prefix /open311.
 */
const specification = 'http://wiki.open311.org/GeoReport_v2';
/** When this API last changed shape (the discovery `changeset`). */
const changeset = '2026-11-26T00:00:00+08:00';

/** The format of a failed request: the path's extension; XML, the spec's required one, otherwise. */
function formatOf(request: FastifyRequest): Format {
  const extension = /\.([a-z]+)$/.exec(request.url.split('?')[0]!)?.[1];
  return (formats as readonly string[]).includes(extension ?? '') ? (extension as Format) : 'xml';
}

/**
 * Errors as the spec lists them (`[{code, description}]`, XML `errors/error`), one per problem, with
 * its status codes: 403 bad api_key, 404 unknown resource or extension, 500 our failure, 400 the rest
 * (and 429 when a client posts too fast: more useful to it than a bare 400).
 */
function open311Error(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply) {
  let appError = toAppError(error);
  // Params fail only on the extension (.html): the resource does not exist in that format.
  if ((error as { validationContext?: string }).validationContext === 'params') appError = new AppError('OPEN311_FORMAT', 404);
  const status = [403, 404, 429].includes(appError.status) ? appError.status : appError.status >= 500 ? 500 : 400;
  if (status === 500) request.log.error({ err: error }, 'open311 request failed');
  const problem = problemBody(appError, requestLocale(request), request.url);
  const errors = problem.fields.length ? problem.fields.map((f) => ({ code: status, description: `${f.field}: ${f.message}` })) : [{ code: status, description: problem.detail }];
  return sendOpen311(reply, formatOf(request), 'errors', errors, status);
}

/** Form posts as the spec sends them; a repeated key (media_url, attribute[code][]) becomes a list. */
function parseForm(body: string): Form {
  const form: Form = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const known = form[key];
    form[key] = known === undefined ? value : [known, value].flat();
  }
  return form;
}

export const open311Routes: FastifyPluginAsyncTypebox = async (app) => {
  app.setErrorHandler(open311Error);
  app.setNotFoundHandler((request, reply) => open311Error(new AppError('ROUTE_NOT_FOUND', 404), request, reply));
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(body as string)));

  const tags = ['open311'];
  const errors = { 400: Open311Errors, 403: Open311Errors, 404: Open311Errors };
  const produces = Object.values(contentTypes);

  const discovery = async (request: FastifyRequest<{ Params: { format: Format } }>, reply: FastifyReply) => {
    const settings = await discoverySettings(app.db);
    const url = `${request.protocol}://${request.host}/open311/v2`;
    const endpoints = [{ specification, url, changeset, type: 'production', formats: ['text/xml', 'application/json'] }];
    return sendOpen311(reply, request.params.format, 'discovery', { changeset, contact: settings.contact, key_service: settings.keyService, endpoints });
  };
  const discoverySchema = { tags, summary: 'Service discovery: where the GeoReport v2 endpoint is and how to get a key', params: FormatParams, produces, response: { 200: Discovery } };
  app.get('/discovery.:format', { schema: discoverySchema }, discovery);
  app.get('/v2/discovery.:format', { schema: discoverySchema }, discovery);

  app.get('/v2/services.:format', { schema: { tags, summary: 'Services: the categories residents may report', params: FormatParams, produces, response: { 200: Type.Array(Service), ...errors } } }, async (request, reply) =>
    sendOpen311(reply, request.params.format, 'services', await listServices(app, requestLocale(request))),
  );

  app.get(
    '/v2/services/:service_code.:format',
    { schema: { tags, summary: 'Service definition: the attributes a report of this service answers', params: ServiceParams, produces, response: { 200: ServiceDefinition, ...errors } } },
    async (request, reply) => sendOpen311(reply, request.params.format, 'service_definition', await serviceDefinition(app, request.params.service_code, requestLocale(request))),
  );

  app.post(
    '/v2/requests.:format',
    {
      config: { rateLimit: { max: 120, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Report a problem (enters the same intake as public reports; answers with the case number at once)',
        params: FormatParams,
        body: CreateRequestBody,
        consumes: ['application/x-www-form-urlencoded'],
        produces,
        response: { 200: Type.Array(CreatedRequest), ...errors },
      },
    },
    async (request, reply) => {
      const form = request.body as Form;
      const key = await keyActor(request, [form.api_key].flat()[0]);
      return sendOpen311(reply, request.params.format, 'service_requests', await createRequest(request, key, form, requestLocale(request)));
    },
  );

  app.get(
    '/v2/requests.:format',
    { schema: { tags, summary: 'Service requests, newest first (default: the last 90 days, 200 per page)', params: FormatParams, querystring: RequestsQuery, produces, response: { 200: Type.Array(ServiceRequest), ...errors } } },
    async (request, reply) => {
      const area = request.query.api_key ? (await keyActor(request, request.query.api_key)).divisionCode : '';
      return sendOpen311(reply, request.params.format, 'service_requests', await listRequests(app, request.query, area, requestLocale(request)));
    },
  );

  app.get(
    '/v2/requests/:service_request_id.:format',
    {
      schema: { tags, summary: 'One service request (a list of one, as the spec has it)', params: RequestParams, querystring: Type.Object({ api_key: RequestsQuery.properties.api_key, jurisdiction_id: RequestsQuery.properties.jurisdiction_id }), produces, response: { 200: Type.Array(ServiceRequest), ...errors } },
    },
    async (request, reply) => {
      const area = request.query.api_key ? (await keyActor(request, request.query.api_key)).divisionCode : '';
      return sendOpen311(reply, request.params.format, 'service_requests', await oneRequest(app, request.params.service_request_id, area, requestLocale(request)));
    },
  );

  // Requests are created in real time (services have type realtime), so no token ever exists.
  app.get('/v2/tokens/:token.:format', { schema: { tags, summary: 'Tokens: never issued here (POST requests answers with the id at once); always 404', params: TokenParams, produces, response: { ...errors } } }, async (request) => {
    throw new AppError('OPEN311_TOKEN_UNKNOWN', 404, { token: request.params.token });
  });
};
