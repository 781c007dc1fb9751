import type { FieldError } from '../../http/errors.ts';
import type { Locale } from '../../i18n/messages.ts';
import { parseOpen311Time } from './open311.format.ts';
import type { AttributeAnswer, AttributeDatatype, AttributeOption } from './open311.tables.ts';

/**
 * Service attributes (GeoReport v2 service definitions), pure rules: what an admin may define, and
 * whether a reporter's answers satisfy a definition.
 */
export interface AttributeDefinition {
  code: string;
  variable: boolean;
  datatype: AttributeDatatype;
  required: boolean;
  datatypeDescription: string;
  order: number;
  description: string;
  descriptionEn: string | null;
  values: AttributeOption[];
}

const isList = (datatype: AttributeDatatype) => datatype === 'singlevaluelist' || datatype === 'multivaluelist';

/** What is wrong with a definition an admin wrote (the route schema has checked types and lengths). */
export function definitionErrors(definition: Pick<AttributeDefinition, 'variable' | 'datatype' | 'required' | 'values'>): FieldError[] {
  const errors: FieldError[] = [];
  if (isList(definition.datatype) && definition.values.length === 0) errors.push({ field: '/values', code: 'OPEN311_OPTIONS_REQUIRED' });
  if (!isList(definition.datatype) && definition.values.length > 0) errors.push({ field: '/values', code: 'OPEN311_OPTIONS_NOT_ALLOWED' });
  const seen = new Set<string>();
  definition.values.forEach((option, i) => {
    if (seen.has(option.key)) errors.push({ field: `/values/${i}/key`, code: 'OPEN311_OPTION_DUPLICATE', params: { key: option.key } });
    seen.add(option.key);
  });
  if (!definition.variable && definition.required) errors.push({ field: '/required', code: 'OPEN311_REQUIRED_INFO' });
  return errors;
}

/** Longest answer per datatype: one line, a textarea (the spec's description limit). */
const maxLength: Partial<Record<AttributeDatatype, number>> = { string: 200, text: 4000 };

export interface CheckedAnswers {
  answers: Record<string, AttributeAnswer>;
  errors: FieldError[];
}

/**
 * Checks the `attribute[code]` values of a request against the service's definition. Values arrive
 * as lists (a form may repeat a key); empty ones count as absent, as the spec asks. Answers to
 * unknown or information-only attributes are dropped, as the reference server does.
 */
export function checkAnswers(definitions: AttributeDefinition[], given: Record<string, string[]>): CheckedAnswers {
  const answers: Record<string, AttributeAnswer> = {};
  const errors: FieldError[] = [];
  for (const definition of definitions) {
    if (!definition.variable) continue;
    const field = `attribute[${definition.code}]`;
    const params = { name: definition.description };
    const values = (given[definition.code] ?? []).map((v) => v.trim()).filter((v) => v !== '');
    if (values.length === 0) {
      if (definition.required) errors.push({ field, code: 'OPEN311_ATTRIBUTE_MISSING', params });
      continue;
    }
    if (definition.datatype !== 'multivaluelist' && values.length > 1) {
      errors.push({ field, code: 'OPEN311_ATTRIBUTE_SINGLE', params });
      continue;
    }
    const error = valueError(definition, values);
    if (error) errors.push({ field, ...error });
    else answers[definition.code] = definition.datatype === 'multivaluelist' ? [...new Set(values)] : values[0]!;
  }
  return { answers, errors };
}

function valueError(definition: AttributeDefinition, values: string[]): Omit<FieldError, 'field'> | undefined {
  const name = definition.description;
  switch (definition.datatype) {
    case 'singlevaluelist':
    case 'multivaluelist': {
      const keys = definition.values.map((option) => option.key);
      const outside = values.find((value) => !keys.includes(value));
      return outside === undefined ? undefined : { code: 'OPEN311_ATTRIBUTE_VALUE', params: { name, value: outside, allowed: keys.join(', ') } };
    }
    case 'number':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(values[0]!) ? undefined : { code: 'OPEN311_ATTRIBUTE_NUMBER', params: { name } };
    case 'datetime':
      return parseOpen311Time(values[0]!) ? undefined : { code: 'OPEN311_ATTRIBUTE_DATETIME', params: { name } };
    case 'string':
    case 'text': {
      const limit = maxLength[definition.datatype]!;
      return values[0]!.length > limit ? { code: 'maxLength', params: { limit } } : undefined;
    }
  }
}

/**
 * The answers as lines for the event's description (staff read events there): "question：answer",
 * list keys shown by their names.
 */
export function describeAnswers(definitions: AttributeDefinition[], answers: Record<string, AttributeAnswer>, locale: Locale): string[] {
  return definitions
    .filter((definition) => definition.code in answers)
    .map((definition) => {
      const label = (value: string) => {
        const option = definition.values.find((o) => o.key === value);
        return option ? optionName(option, locale) : value;
      };
      const answer = [answers[definition.code]!].flat().map(label).join('、');
      return `${attributeDescription(definition, locale)}：${answer}`;
    });
}

export const attributeDescription = (definition: Pick<AttributeDefinition, 'description' | 'descriptionEn'>, locale: Locale) =>
  locale === 'en' && definition.descriptionEn ? definition.descriptionEn : definition.description;

export const optionName = (option: AttributeOption, locale: Locale) => (locale === 'en' && option.nameEn ? option.nameEn : option.name);
