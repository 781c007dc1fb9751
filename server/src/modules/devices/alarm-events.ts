import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Audit } from '../../http/command.ts';
import type { Urgency } from '../events/events.tables.ts';
import { addEventNote, addSystemEventNote, reportAsSystem } from '../events/system-intake.ts';
import type { Condition, Severity } from './devices.tables.ts';
import type { Rule } from './alarm-rules.ts';

/**
 * Alarms that need action become events of the event center (source iot, at the device, category from
 * the rule); what happens to the alarm afterwards is noted on the event's timeline.
 */
export const iotReporterName = '物联感知';

const urgencyOf: Record<Severity, Urgency> = { critical: 'critical', major: 'urgent', minor: 'normal', warning: 'normal' };
const severityZh: Record<Severity, string> = { critical: '严重', major: '重要', minor: '次要', warning: '警告' };

export interface AlarmFacts {
  alarmId: number;
  severity: Severity;
  details: Record<string, unknown>;
  device: { id: number; name: string; address: string | null; lng: number; lat: number; divisionCode: string };
}

const conditionText = (c: Condition) => (c.op === 'between' ? `${c.value}～${c.value2}` : `${c.op} ${c.value}`);

/** 燃气探测器1 可燃气体浓度超限（重要）：gas_lel = 30，条件 >= 25 */
export function alarmSummary(rule: Pick<Rule, 'nameZh'>, facts: Pick<AlarmFacts, 'severity' | 'details' | 'device'>): string {
  const { key, value, condition } = facts.details as { key?: string; value?: number; condition?: Condition };
  const reading = key !== undefined && value !== undefined ? `：${key} = ${value}${condition ? `，条件 ${conditionText(condition)}` : ''}` : '';
  return `${facts.device.name} ${rule.nameZh}（${severityZh[facts.severity]}）${reading}`;
}

/** Opens (or finds, after a retry) the alarm's event; the alarm id is the idempotency key. */
export async function openAlarmEvent(app: FastifyInstance, rule: Rule, facts: AlarmFacts): Promise<number> {
  const { device } = facts;
  const outcome = await reportAsSystem(
    app,
    {
      source: 'iot',
      categoryCode: rule.eventCategory!,
      title: `${rule.nameZh}（${device.name}）`,
      description: alarmSummary(rule, facts),
      location: { lng: device.lng, lat: device.lat },
      address: device.address ?? device.name,
      urgency: urgencyOf[facts.severity],
      sourceRef: `device:${device.id}/alarm:${facts.alarmId}`,
      idempotencyKey: `alarm-${facts.alarmId}`,
    },
    { name: iotReporterName, divisionCode: device.divisionCode, register: true },
  );
  return outcome.event.id;
}

const clearedText: Record<string, string> = { condition: '读数已恢复正常', online: '设备已恢复在线', manual: '已人工清除', rule_removed: '告警规则已停用' };

export function clearedNote(rule: Pick<Rule, 'nameZh'> | null, reason: string, by: string): string {
  return `设备告警已清除：${rule?.nameZh ?? '告警'}，${clearedText[reason] ?? reason}${reason === 'manual' ? `（${by}）` : ''}。案件继续按流程办理。`;
}

/** The clear of an alarm on its event, in the caller's transaction (clearing by hand). */
export function noteClearedIn(trx: Transaction<DB>, audit: Audit, eventId: number, text: string, actor: { type: 'user' | 'token' | 'system'; id: number | null; name: string }, alarmId: number) {
  return addEventNote(trx, audit, { eventId, note: text, actor, details: { alarmId } });
}

/** The same, by the system (the intake noticed the reading back to normal). */
export function noteOnEvent(app: FastifyInstance, eventId: number, text: string, alarmId: number) {
  return addSystemEventNote(app, iotReporterName, { eventId, note: text, details: { alarmId } });
}
