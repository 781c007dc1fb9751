import type { Locale } from '../../i18n/messages.ts';
import { maskPersonalDataInText } from '../../privacy/masking.ts';
import { attributeDescription, optionName, type AttributeDefinition } from './attributes.ts';
import { open311Time } from './open311.format.ts';
import { closedStates, type RequestRow } from './open311.repo.ts';

/** Rows → GeoReport v2 objects, fields in the spec's order, ids and codes as strings. */

interface CategoryRow {
  code: string;
  kind: 'component' | 'event';
  major_name: string;
  minor_name: string;
  name_en: string | null;
}

/** The category's name in the caller's language: English where an admin gave one. */
const serviceName = (category: { minor_name: string; name_en: string | null }, locale: Locale) => (locale === 'en' && category.name_en ? category.name_en : category.minor_name);

export function presentService(category: CategoryRow, hasAttributes: boolean, locale: Locale) {
  return {
    service_code: category.code,
    service_name: serviceName(category, locale),
    description: category.name_en ? `${category.major_name} · ${category.minor_name} (${category.name_en})` : `${category.major_name} · ${category.minor_name}`,
    metadata: hasAttributes,
    // Intake files the event at once and answers with its case number.
    type: 'realtime',
    // 部件 (a damaged object) or 事件 (a situation), the two halves of the GB/T 30428 catalogue.
    keywords: category.kind,
    group: category.major_name,
  };
}

export function presentDefinition(serviceCode: string, definitions: AttributeDefinition[], locale: Locale) {
  return {
    service_code: serviceCode,
    attributes: definitions.map((d) => ({
      variable: d.variable,
      code: d.code,
      datatype: d.datatype,
      required: d.required,
      datatype_description: d.datatypeDescription || null,
      order: d.order,
      description: attributeDescription(d, locale),
      values: d.values.map((option) => ({ key: option.key, name: optionName(option, locale) })),
    })),
  };
}

/**
 * An event as a service request. Nothing about the reporter leaves: no name, phone or e-mail, and
 * mobile or ID numbers typed into the texts are masked.
 */
export function presentRequest(row: RequestRow, statusNote: string | undefined, locale: Locale) {
  const closed = (closedStates as readonly string[]).includes(row.state);
  return {
    service_request_id: row.code,
    status: closed ? 'closed' : 'open',
    status_notes: statusNote === undefined ? null : maskPersonalDataInText(statusNote),
    service_name: serviceName(row, locale),
    service_code: row.category_code!,
    description: maskPersonalDataInText(row.description).slice(0, 4000),
    agency_responsible: row.agency,
    service_notice: null,
    requested_datetime: open311Time(row.reported_at),
    // For closed requests the spec wants the closing time here.
    updated_datetime: open311Time(closed ? (row.closed_at ?? row.updated_at) : row.updated_at),
    expected_datetime: row.handle_deadline ? open311Time(row.handle_deadline) : null,
    address: row.address || null,
    address_id: null,
    zipcode: null,
    lat: row.lat,
    long: row.lng,
    media_url: row.media_url,
  };
}
