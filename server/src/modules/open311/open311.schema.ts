import { Type, type Static } from 'typebox';
import { StringEnum } from '../../http/pagination.ts';
import { formats } from './open311.format.ts';
import { attributeDatatypes } from './open311.tables.ts';

/**
 * OpenAPI descriptions of /open311/v2 (the JSON shapes; XML carries the same fields under the spec's
 * wrapper elements) and the TypeBox schemas of the admin API under /api/open311.
 */
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Type.String();
const W3cTime = Type.String({ description: 'W3C datetime in Beijing time, whole seconds: 2026-11-26T09:30:00+08:00' });

export const FormatParams = Type.Object({ format: StringEnum(formats, { description: 'Response format, the path extension' }) });
export const ServiceParams = Type.Object({ service_code: Type.String({ description: 'A category code, e.g. E0505' }), format: FormatParams.properties.format });
export const RequestParams = Type.Object({ service_request_id: Type.String({ description: 'The case number, e.g. 330203103-20261126-00042' }), format: FormatParams.properties.format });
export const TokenParams = Type.Object({ token: Type.String(), format: FormatParams.properties.format });

export const Service = Type.Object({
  service_code: Text,
  service_name: Text,
  description: Nullable(Text),
  metadata: Type.Boolean({ description: 'true: GET services/{service_code} lists its attributes' }),
  type: StringEnum(['realtime']),
  keywords: Nullable(Type.String({ description: 'component (部件) or event (事件)' })),
  group: Nullable(Type.String({ description: 'The 大类 name' })),
});

export const ServiceDefinition = Type.Object({
  service_code: Text,
  attributes: Type.Array(
    Type.Object({
      variable: Type.Boolean(),
      code: Text,
      datatype: StringEnum(attributeDatatypes),
      required: Type.Boolean(),
      datatype_description: Nullable(Text),
      order: Type.Integer(),
      description: Text,
      values: Type.Array(Type.Object({ key: Text, name: Text })),
    }),
  ),
});

export const ServiceRequest = Type.Object({
  service_request_id: Text,
  status: StringEnum(['open', 'closed']),
  status_notes: Nullable(Text),
  service_name: Nullable(Text),
  service_code: Text,
  description: Nullable(Text),
  agency_responsible: Nullable(Text),
  service_notice: Nullable(Text),
  requested_datetime: W3cTime,
  updated_datetime: Nullable(W3cTime),
  expected_datetime: Nullable(W3cTime),
  address: Nullable(Text),
  address_id: Nullable(Text),
  zipcode: Nullable(Text),
  lat: Type.Union([Type.Number(), Type.Null()]),
  long: Type.Union([Type.Number(), Type.Null()]),
  media_url: Nullable(Text),
});

export const CreatedRequest = Type.Object({ service_request_id: Text, service_notice: Nullable(Text), account_id: Nullable(Text) });

export const Open311Errors = Type.Array(Type.Object({ code: Type.Integer({ description: 'The HTTP status' }), description: Text }), { description: 'GeoReport v2 error list' });

export const Discovery = Type.Object({
  changeset: Text,
  contact: Text,
  key_service: Text,
  endpoints: Type.Array(Type.Object({ specification: Text, url: Text, changeset: Text, type: StringEnum(['production', 'test']), formats: Type.Array(Text) })),
});

const Param = (description: string) => Type.Optional(Type.String({ description }));
export const RequestsQuery = Type.Object({
  service_request_id: Param('Case numbers, comma-separated; overrides every other filter'),
  service_code: Param('Service codes, comma-separated'),
  start_date: Param('Earliest requested_datetime (W3C datetime); with end_date at most 90 days apart'),
  end_date: Param('Latest requested_datetime (W3C datetime); default window: the last 90 days'),
  status: Param('open, closed, or both comma-separated'),
  page: Param('Extension: page number, from 1'),
  page_size: Param('Extension: requests per page, 1–1000 (the spec’s cap); default 200'),
  api_key: Param('Optional: limits the answer to the key’s area'),
  jurisdiction_id: Param('Ignored: one jurisdiction per deployment'),
});

/** A form field may be repeated (media_url, attribute[code][]). */
const Field = (description: string) => Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description }));
export const CreateRequestBody = Type.Object(
  {
    api_key: Field('Required: a token with the open311 scope (npx gongzhi token create --scope open311)'),
    service_code: Field('Required: a service code from GET services'),
    lat: Field('WGS84 latitude; with long, or give address_string'),
    long: Field('WGS84 longitude'),
    address_string: Field('Where, in words (the command center places it on the map)'),
    address_id: Field('Not supported'),
    description: Field('At most 4000 characters'),
    media_url: Field('http(s) link to a photo or video'),
    first_name: Field('Reporter (never published)'),
    last_name: Field('Reporter (never published)'),
    email: Field('Reporter (stored encrypted, never published)'),
    phone: Field('Reporter, a mainland number (stored encrypted, never published)'),
    device_id: Field('The reporting device'),
    account_id: Field('The reporter’s account in the partner system'),
    jurisdiction_id: Field('Ignored: one jurisdiction per deployment'),
  },
  { additionalProperties: Type.Union([Type.String(), Type.Array(Type.String())]), description: 'application/x-www-form-urlencoded; answers to attributes as attribute[code]=value, attribute[code][]=value for multivaluelist' },
);
export type CreateRequestBody = Static<typeof CreateRequestBody>;

// ---- admin API (/api/open311)

const AttributeCode = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' });
const Option = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }), name: Type.String({ minLength: 1, maxLength: 100 }), nameEn: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false });

export const AttributeView = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  code: Type.String(),
  variable: Type.Boolean(),
  datatype: StringEnum(attributeDatatypes),
  required: Type.Boolean(),
  datatypeDescription: Type.String(),
  order: Type.Integer(),
  description: Type.String(),
  descriptionEn: Type.Union([Type.String(), Type.Null()]),
  values: Type.Array(Option),
});

const attributeFields = {
  variable: Type.Optional(Type.Boolean()),
  datatype: StringEnum(attributeDatatypes),
  required: Type.Optional(Type.Boolean()),
  datatypeDescription: Type.Optional(Type.String({ maxLength: 200 })),
  order: Type.Integer({ minimum: 1, maximum: 999 }),
  description: Type.String({ minLength: 1, maxLength: 200 }),
  descriptionEn: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
  values: Type.Optional(Type.Array(Option, { maxItems: 100 })),
};
export const CreateAttributeBody = Type.Object({ code: AttributeCode, ...attributeFields }, { additionalProperties: false });
export type CreateAttributeBody = Static<typeof CreateAttributeBody>;
export const UpdateAttributeBody = Type.Partial(Type.Object(attributeFields), { additionalProperties: false, minProperties: 1 });
export type UpdateAttributeBody = Static<typeof UpdateAttributeBody>;
export const CategoryParams = Type.Object({ code: Type.String({ pattern: '^[CE][0-9]{4}$' }) });

export const DiscoverySettings = Type.Object({ contact: Type.String({ minLength: 1, maxLength: 500 }), keyService: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export type DiscoverySettings = Static<typeof DiscoverySettings>;
