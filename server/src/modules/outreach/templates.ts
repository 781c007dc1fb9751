/**
 * Reminder templates: plain text with `{variable}` placeholders. Pure: the service validates a body
 * before saving it and renders it with the values of one reminder.
 */
export const templateVariables = ['place', 'party', 'category', 'time', 'deadline_minutes', 'sign'] as const;
export type TemplateVariable = (typeof templateVariables)[number];
export type TemplateValues = Partial<Record<TemplateVariable, string>>;

/** A problem as a field error of the body: a stable code and the values its message needs. */
export interface TemplateProblem {
  code: 'OUTREACH_TEMPLATE_EMPTY' | 'OUTREACH_TEMPLATE_BRACES' | 'OUTREACH_TEMPLATE_UNKNOWN_VARIABLE';
  params: Record<string, string | number>;
}

const allowed = templateVariables.map((v) => `{${v}}`).join(' ');
const braces = (position: number): TemplateProblem => ({ code: 'OUTREACH_TEMPLATE_BRACES', params: { position } });

type Piece = { text: string } | { variable: string };

/** Splits a body into text and `{name}` pieces; a brace without its partner is a problem. */
function parse(body: string): { pieces: Piece[] } | { problem: TemplateProblem } {
  const pieces: Piece[] = [];
  let rest = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '}') return { problem: braces(i + 1) };
    if (body[i] !== '{') continue;
    const close = body.indexOf('}', i + 1);
    const nextOpen = body.indexOf('{', i + 1);
    if (close === -1 || (nextOpen !== -1 && nextOpen < close)) return { problem: braces(i + 1) };
    if (i > rest) pieces.push({ text: body.slice(rest, i) });
    pieces.push({ variable: body.slice(i + 1, close).trim() });
    i = close;
    rest = close + 1;
  }
  if (rest < body.length) pieces.push({ text: body.slice(rest) });
  return { pieces };
}

const isVariable = (name: string): name is TemplateVariable => (templateVariables as readonly string[]).includes(name);

/** Every problem of a body (unknown variables each once), or none. */
export function validateTemplate(body: string): TemplateProblem[] {
  if (!body.trim()) return [{ code: 'OUTREACH_TEMPLATE_EMPTY', params: {} }];
  const parsed = parse(body);
  if ('problem' in parsed) return [parsed.problem];
  const unknown = new Set(parsed.pieces.flatMap((p) => ('variable' in p && !isVariable(p.variable) ? [p.variable] : [])));
  return [...unknown].map((name) => ({ code: 'OUTREACH_TEMPLATE_UNKNOWN_VARIABLE', params: { name, allowed } }));
}

/** The variables a (valid) body uses, in order of first use. */
export function usedVariables(body: string): TemplateVariable[] {
  const parsed = parse(body);
  if ('problem' in parsed) return [];
  return [...new Set(parsed.pieces.flatMap((p) => ('variable' in p && isVariable(p.variable) ? [p.variable] : [])))];
}

export type RenderResult = { text: string; params: Record<string, string> } | { missing: TemplateVariable[] } | { problems: TemplateProblem[] };

/**
 * The text of a valid body with its values, and the values it used (providers with approved templates
 * send those instead of the text). A used variable without a value is reported, never rendered blank.
 */
export function renderTemplate(body: string, values: TemplateValues): RenderResult {
  const problems = validateTemplate(body);
  if (problems.length > 0) return { problems };
  const used = usedVariables(body);
  const missing = used.filter((name) => !values[name]?.trim());
  if (missing.length > 0) return { missing };
  const parsed = parse(body) as { pieces: Piece[] };
  const text = parsed.pieces.map((p) => ('text' in p ? p.text : values[p.variable as TemplateVariable]!)).join('');
  return { text, params: Object.fromEntries(used.map((name) => [name, values[name]!])) };
}

/** How the reminder's time reads in a text: 11月26日 14:05 (Asia/Shanghai). */
export function reminderTime(at: Date): string {
  const local = new Date(at.getTime() + 8 * 3_600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}
