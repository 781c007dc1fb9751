import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv';
import formatsModule from 'ajv-formats';
import { SaxesParser } from 'saxes';
import type { App } from '../../app.ts';
import { issueApiToken } from '../../auth/api-tokens.ts';
import type { TestApp } from '../../../test/test-app.ts';
import { open311TokenScopes } from './open311.permissions.ts';

/** Helpers of the Open311 tests: the spec's JSON Schemas, a real XML parser, partner keys, form posts. */

// ajv and ajv-formats are CommonJS: Node's default import is module.exports, typed as the namespace.
const Ajv = ((AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule) as unknown as typeof AjvModule.default;
const addFormats = ((formatsModule as unknown as { default?: typeof formatsModule }).default ?? formatsModule) as unknown as typeof formatsModule.default;

const schemaDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schema');
export const schemaFiles = ['service.json', 'services.json', 'service-definition.json', 'request.json', 'requests.json'] as const;

/** The copied open311/schema-validation files, registered under their file names (they $ref each other so). */
export function open311Validator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  for (const file of schemaFiles) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(schemaDir, file), 'utf8')), file);
  return (file: (typeof schemaFiles)[number], value: unknown) => {
    const validate = ajv.getSchema(file)!;
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  };
}

export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Parses with a strict, well-formedness-checking parser (saxes); throws on any XML error. */
export function parseXml(xml: string): { declaration: { version?: string; encoding?: string }; root: XmlElement } {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let declaration = {};
  parser.on('xmldecl', (decl) => (declaration = decl));
  parser.on('opentag', (tag) => {
    const node: XmlElement = { name: tag.name, children: [], text: '' };
    if (stack.length) stack[stack.length - 1]!.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    if (stack.length) stack[stack.length - 1]!.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.on('error', (error) => {
    throw error;
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return { declaration, root };
}

/** XML lists of GeoReport v2, whose children form a JSON array. */
const lists = new Set(['services', 'attributes', 'values', 'service_requests', 'errors', 'endpoints', 'formats']);

/**
 * The JSON a GeoReport v2 XML document maps to (the spec's Spark convention): list wrappers become
 * arrays, other elements objects, leaves their text, empty leaves null. Leaves stay strings: compare
 * with `textual(json)`.
 */
export function sparkJson(element: XmlElement): unknown {
  if (lists.has(element.name)) return element.children.map(sparkJson);
  if (element.children.length) return Object.fromEntries(element.children.map((child) => [child.name, sparkJson(child)]));
  return element.text === '' ? null : element.text;
}

/** A JSON value with every number and boolean as the string XML carries. */
export function textual(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(textual);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, textual(v)]));
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === '' ? null : value;
}

/** A partner key with the open311 scope, bound to `divisionCode`. */
export async function partnerKey(app: App, divisionCode: string, name = 'Open311 测试合作方') {
  const { token } = await issueApiToken(app.db, { name, scopes: [...open311TokenScopes.open311], divisionCode, createdBy: null, expiresAt: null });
  return token;
}

export const form = (fields: Record<string, string | string[]>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) params.append(key, v);
  return params.toString();
};

/** POST requests.<format> as a form. */
export const postRequest = (t: TestApp, fields: Record<string, string | string[]>, format: 'json' | 'xml' = 'json', headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `/open311/v2/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: form(fields) });
