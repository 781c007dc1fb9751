import type { FastifyReply } from 'fastify';

/**
 * The wire formats of GeoReport v2: JSON and XML, chosen by the path's extension (`services.json`,
 * `requests.xml`). XML is the normative one; JSON is its mechanical mapping (the outer wrapper
 * dropped), so one value renders as both.
 */
export const formats = ['json', 'xml'] as const;
export type Format = (typeof formats)[number];

export const contentTypes: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** XML lists hold singular children: `<services><service>…`, `<values><value>…`. */
const itemNames: Record<string, string> = {
  services: 'service',
  attributes: 'attribute',
  values: 'value',
  service_requests: 'request',
  errors: 'error',
  endpoints: 'endpoint',
  formats: 'format',
};

export type Open311Value = string | number | boolean | null | Open311Value[] | { [key: string]: Open311Value };

const escapeXml = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Control characters other than tab, newline and return are not allowed in XML 1.0 at all.
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');

function element(name: string, value: Open311Value): string {
  if (value === null) return `<${name}/>`;
  if (Array.isArray(value)) {
    const child = itemNames[name];
    if (!child) throw new Error(`no XML item name for the list ${name}`);
    return `<${name}>${value.map((item) => element(child, item)).join('')}</${name}>`;
  }
  if (typeof value === 'object') return `<${name}>${Object.entries(value).map(([key, item]) => element(key, item)).join('')}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `value` as an XML document whose root element is `root` (a list root gets singular children). */
export function toXml(root: string, value: Open311Value): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${element(root, value)}\n`;
}

/**
 * Sends `value` in the requested format. The body leaves as a finished string, so Fastify does not
 * re-serialize it: the response schemas of these routes document the API, the tests check the bytes.
 */
export function sendOpen311(reply: FastifyReply, format: Format, root: string, value: Open311Value, status = 200) {
  const body = format === 'xml' ? toXml(root, value) : JSON.stringify(value);
  return reply.code(status).type(contentTypes[format]).send(body);
}

/**
 * A W3C datetime in Beijing time with whole seconds, as the spec's clients parse it:
 * 2026-11-26T09:30:00+08:00 (never milliseconds, never `Z`).
 */
export function open311Time(date: Date): string {
  return `${new Date(date.getTime() + 8 * 3_600_000).toISOString().slice(0, 19)}+08:00`;
}

const w3cDatetime = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * A W3C datetime as clients send it: a date, or a date and time with or without seconds, fractions
 * and zone; without a zone it is Beijing time. Undefined when it is not one (or not a real date).
 */
export function parseOpen311Time(text: string): Date | undefined {
  const match = w3cDatetime.exec(text.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = '+08:00'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${offset}`);
  if (Number.isNaN(date.getTime())) return undefined;
  // Date rolls 2026-02-30 over into March: a date that does not exist is refused instead.
  const local = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (local.getUTCMonth() !== Number(month) - 1 || local.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
  return date;
}
