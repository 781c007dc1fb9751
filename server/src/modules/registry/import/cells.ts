import type { FieldIssue, FieldSpec } from '../record-kind.ts';
import { cellText } from './read-table.ts';

/**
 * One spreadsheet cell → the typed value the API would receive for the field, or an issue. Empty cells
 * are null (the field is cleared on re-import). Enums accept the value, the Chinese or the English label.
 */
export function parseCell(field: FieldSpec, cell: unknown): { value: unknown } | { issue: FieldIssue } {
  const issue = (code: string, params?: Record<string, string | number>) => ({ issue: { field: field.key, code, params } });
  const text = cellText(cell);
  if (text === '') return { value: field.type === 'tags' ? [] : null };
  switch (field.type) {
    case 'text':
      // 18-digit numbers typed into a number cell have lost their last digits already: refuse rather than guess.
      if (typeof cell === 'number' && !Number.isSafeInteger(cell)) return issue('NUMBER_PRECISION');
      return text.length > (field.maxLength ?? 200) ? issue('maxLength', { limit: field.maxLength ?? 200 }) : { value: text };
    case 'integer':
    case 'number': {
      const n = typeof cell === 'number' ? cell : Number(text.replace(/,/g, ''));
      if (!Number.isFinite(n) || (field.type === 'integer' && !Number.isInteger(n))) return issue('type', { type: field.type });
      if (field.min !== undefined && n < field.min) return issue('minimum', { limit: field.min });
      if (field.max !== undefined && n > field.max) return issue('maximum', { limit: field.max });
      return { value: n };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['是', 'true', '1', 'y', 'yes', '有'].includes(lower)) return { value: true };
      if (['否', 'false', '0', 'n', 'no', '无'].includes(lower)) return { value: false };
      return issue('enum', { allowed: '是, 否' });
    }
    case 'enum': {
      const lower = text.toLowerCase();
      const option = field.options!.find((o) => o.value === lower || o.zh === text || o.en.toLowerCase() === lower);
      return option ? { value: option.value } : issue('enum', { allowed: field.options!.map((o) => o.zh).join(', ') });
    }
    case 'dictionary':
      return { value: text };
    case 'tags':
      return { value: text.split(/[,，、;；\s]+/).filter(Boolean) };
    case 'datetime': {
      const date = parseDateTime(cell, text);
      return date ? { value: date.toISOString() } : issue('format', { format: 'date-time' });
    }
  }
}

const excelEpoch = Date.UTC(1899, 11, 30);
const shanghaiOffsetMs = 8 * 3_600_000;

/**
 * Excel serial numbers and zone-less texts ("2026-11-26 14:05") are Shanghai wall-clock time;
 * texts with a zone (ISO 8601) are taken as they are.
 */
function parseDateTime(cell: unknown, text: string): Date | null {
  if (typeof cell === 'number') return new Date(excelEpoch + Math.round(cell * 86_400_000) - shanghaiOffsetMs);
  const local = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - shanghaiOffsetMs);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  const date = new Date(text);
  return /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(date.getTime()) ? date : null;
}
