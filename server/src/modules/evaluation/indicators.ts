import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { EventState } from '../events/event-workflow.ts';
import { compliedAfterReminder, reminded, reminderEligible } from '../outreach/outreach-conditions.ts';

/**
 * The evaluation indicators (综合评价), each defined once: its names, what it counts, its formula, the
 * source it follows, and the SQL condition that selects the cases behind it. The evaluation table
 * counts with these conditions (`count(*) FILTER (WHERE …)`) and the drill-down lists with the same
 * conditions (`WHERE …`), so a list's total is always the number it was opened from. docs/evaluation.md
 * is generated from this file (evaluation-doc.ts).
 *
 * Counts are per case, over a cohort fixed by the period, as the eGova statistics gather does:
 * - event counts: the events reported (上报) in the period, each judged on its state at the moment of
 *   the evaluation (a month's figures settle as its cases close);
 * - callback counts: the satisfaction callbacks (回访) made in the period.
 * SQL aliases: `e` event, `s` its event_stat row (migration 0010; may be missing), `c` event_callback.
 */

export type CountCode =
  | 'reports'
  | 'valid_reports'
  | 'registered'
  | 'dispatched'
  | 'due_handling'
  | 'handled'
  | 'handled_on_time'
  | 'overdue_unhandled'
  | 'due_close'
  | 'closed'
  | 'closed_on_time'
  | 'dispatched_closed'
  | 'accurate_dispatch'
  | 'reworked'
  | 'callbacks'
  | 'satisfied'
  | 'basically_satisfied'
  | 'contacted'
  | 'resolved'
  | 'reminder_eligible'
  | 'reminded'
  | 'complied_after_reminder';

export type RateCode =
  | 'valid_report_rate'
  | 'handle_rate'
  | 'on_time_handle_rate'
  | 'close_rate'
  | 'on_time_close_rate'
  | 'accurate_dispatch_rate'
  | 'rework_rate'
  | 'satisfaction_rate'
  | 'response_rate'
  | 'resolution_rate'
  | 'outreach_rate'
  | 'compliance_rate';

export type AverageCode = 'avg_handle_hours';
export type IndicatorCode = CountCode | RateCode | AverageCode;

interface Text {
  zh: string;
  en: string;
}

/** When the condition is evaluated: "overdue" means overdue at this moment. */
export interface JudgeContext {
  now: Date;
}

export interface CountDefinition {
  kind: 'count';
  code: CountCode;
  name: Text;
  /** What is counted, in words: the formula of a count. */
  definition: Text;
  source: string;
  /** Events reported in the period, or callbacks made in it. */
  basis: 'event' | 'callback';
  where: (ctx: JudgeContext) => RawBuilder<SqlBool>;
}

export interface RateDefinition {
  kind: 'rate';
  code: RateCode;
  name: Text;
  /** Weighted sum of counts over one count; every count of the numerator is a subset of the denominator. */
  numerator: { count: CountCode; weight: number }[];
  denominator: CountCode;
  source: string;
  /** Why this formula where sources differ. */
  note?: Text;
}

export interface AverageDefinition {
  kind: 'average';
  code: AverageCode;
  name: Text;
  /** The cases averaged over (their list is the drill-down). */
  over: CountCode;
  /** The value per case, in the unit below. */
  value: RawBuilder<number>;
  unit: Text;
  definition: Text;
  source: string;
  note?: Text;
}

export type IndicatorDefinition = CountDefinition | RateDefinition | AverageDefinition;

const states = (list: readonly EventState[]) => sql.join(list.map((state) => sql.lit(state)));

// The facts the counts combine, each null-safe (a FILTER treats null as false, so NOT null would drop rows).
const registered = sql<SqlBool>`s.registered_at IS NOT NULL`;
const dispatched = sql<SqlBool>`s.first_dispatched_at IS NOT NULL`;
const closed = sql<SqlBool>`e.state = 'closed'`;
/** At the handling unit or past it; 挂账 (suspended) cases are left out of the handling indicators. */
const atUnit = sql<SqlBool>`(e.handling_unit_id IS NOT NULL AND e.state IN (${states(['pending_sign', 'handling', 'handled', 'checking', 'pending_close', 'closed'])}))`;
/** 处置 submitted and not sent back since (返工 and reopening clear handle_finished_at). */
const handled = sql<SqlBool>`(${atUnit} AND e.handle_finished_at IS NOT NULL)`;
/** An approved 超时申诉 keeps the raw facts but exempts the case from the overtime indicators. */
const exempt = sql<SqlBool>`e.appeal_status = 'approved'`;
const handledLate = sql<SqlBool>`(e.handle_timed_out AND NOT ${exempt})`;
const overdueUnhandled = (ctx: JudgeContext) => sql<SqlBool>`(e.state IN (${states(['pending_sign', 'handling'])}) AND e.handle_deadline < ${ctx.now})`;
/** Closed late: handled late, or closed (强制结案) past the handling deadline without a handling. */
const closedLate = sql<SqlBool>`(NOT ${exempt} AND (e.handle_timed_out OR (e.handle_finished_at IS NULL AND coalesce(e.handle_deadline < e.closed_at, false))))`;
const validCallback = sql<SqlBool>`c.valid`;

const always = () => sql<SqlBool>`true`;
const fixed = (condition: RawBuilder<SqlBool>) => () => condition;

const src = {
  unicom: 'Unicom 城市综合管理服务平台 `Statistics.java` [V]',
  egovaReport: 'eGova `statgather/python/mainmodules/statInfoGatherHandler.py` (report_num, valid_report_num) [V]',
  egovaInst: 'eGova `statInfoGatherHandler.py` (inst_num: past 立案, 作废 excluded); `maintable/gangerEval.py` [V]',
  egovaDispatch: 'eGova `statInfoGatherHandler.py` (dispatch_num, need_dispose_num) [V]; Unicom 应派遣 [V]',
  egovaDispose: 'eGova `statgather/python/mainmodules/statInfoGather/dispose.py` (need_dispose, dispose_num, intime_dispose_num, overtime_to_dispose_num; 挂账 act_property 103 不计入处置指标) [V]',
  egovaArchive: 'eGova `dispose.py`: "处置之后则算应结案数，超期未处置也算应结案数" (need_archive_num) [V]',
  egovaClosed: 'eGova `statInfoGatherHandler.py` (archive_num, intime_archive_num) [V]',
  appeal: '超时申诉 exempts the case from the overtime indicators: Yuncheng `docs/case-appeal-timeout-design.md` (handle_timeout_exempt) [V]',
  rework: 'eGova `dispose.py` `__reworkHandler` (rework_num once per case, multi_rework_num = times) [V]; Unicom [V]',
  callback: '12345 接诉即办 回访 columns 是否有效回访 / 是否联系 / 是否解决 / 是否满意 (Beijing "三率") [R]',
  threeRates: 'Beijing 接诉即办 "三率" (响应率, 解决率, 满意率) [R]; 《北京市接诉即办工作条例》 [R]',
  outreach: '古林镇 "视频AI算法 + 114客服" 外呼与短信温馨提示 (seed text, reference event-center.md §11) [V]; counting rule ours [S]',
};

export const counts: readonly CountDefinition[] = [
  {
    kind: 'count',
    code: 'reports',
    name: { zh: '上报数', en: 'Reports' },
    definition: { zh: '期间内上报的全部事件（含作废、合并的重复件）', en: 'every event reported in the period (including cancelled and merged duplicates)' },
    source: `${src.egovaReport}; ${src.unicom}`,
    basis: 'event',
    where: always,
  },
  {
    kind: 'count',
    code: 'valid_reports',
    name: { zh: '有效上报数', en: 'Valid reports' },
    definition: { zh: '上报后经审核立案的事件，含立案后又作废的（“有效上报 = 立案 + 作废”）', en: 'reports that were registered (立案), including those cancelled afterwards ("有效上报 = 立案 + 作废")' },
    source: `${src.unicom}; ${src.egovaReport}`,
    basis: 'event',
    where: fixed(registered),
  },
  {
    kind: 'count',
    code: 'registered',
    name: { zh: '立案数', en: 'Registered cases' },
    definition: { zh: '已立案且未作废的事件', en: 'registered cases that were not cancelled afterwards' },
    source: src.egovaInst,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${registered} AND e.state <> 'cancelled')`),
  },
  {
    kind: 'count',
    code: 'dispatched',
    name: { zh: '派遣数', en: 'Dispatched cases' },
    definition: { zh: '至少派遣过一次的事件（含自动派遣）', en: 'cases dispatched at least once (automatic dispatch included)' },
    source: src.egovaDispatch,
    basis: 'event',
    where: fixed(dispatched),
  },
  {
    kind: 'count',
    code: 'due_handling',
    name: { zh: '应处置数', en: 'Cases due for handling' },
    definition: {
      zh: '已派遣到处置单位的事件：待签收、处置中、已处置、核查中、待结案或已结案；挂账（暂停）中的、退回待派遣的和作废的不计',
      en: 'cases at their handling unit or past it: waiting to be signed, handling, handled, checking, waiting for closure or closed; suspended (挂账), returned-to-dispatch and cancelled cases are not counted',
    },
    source: src.egovaDispose,
    basis: 'event',
    where: fixed(atUnit),
  },
  {
    kind: 'count',
    code: 'handled',
    name: { zh: '处置数', en: 'Handled cases' },
    definition: { zh: '应处置事件中已提交处置结果的（返工或重办后需再次提交）', en: 'cases due for handling whose handling result was submitted (again, after a rework or reopening)' },
    source: src.egovaDispose,
    basis: 'event',
    where: fixed(handled),
  },
  {
    kind: 'count',
    code: 'handled_on_time',
    name: { zh: '按期处置数', en: 'Handled on time' },
    definition: { zh: '处置数中在处置时限内提交的；超时申诉获批的视为按期', en: 'handled cases submitted within the handling limit; an approved timeout appeal counts as on time' },
    source: `${src.egovaDispose}; ${src.appeal}`,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${handled} AND NOT ${handledLate})`),
  },
  {
    kind: 'count',
    code: 'overdue_unhandled',
    name: { zh: '超期未处置数', en: 'Overdue, not handled' },
    definition: { zh: '待签收或处置中、处置时限已过（评价时刻）的事件', en: 'cases waiting to be signed or being handled whose handling deadline has passed (at the moment of the evaluation)' },
    source: src.egovaDispose,
    basis: 'event',
    where: overdueUnhandled,
  },
  {
    kind: 'count',
    code: 'due_close',
    name: { zh: '应结案数', en: 'Cases due for closure' },
    definition: { zh: '已处置的事件 + 超期未处置的事件 + 已结案的事件（含强制结案）', en: 'handled cases + overdue unhandled cases + closed cases (forced closures included)' },
    source: src.egovaArchive,
    basis: 'event',
    where: (ctx) => sql<SqlBool>`(${closed} OR ${handled} OR ${overdueUnhandled(ctx)})`,
  },
  {
    kind: 'count',
    code: 'closed',
    name: { zh: '结案数', en: 'Closed cases' },
    definition: { zh: '已结案的事件（正常、超时和强制结案）', en: 'closed cases (normal, overtime and forced closures)' },
    source: src.egovaClosed,
    basis: 'event',
    where: fixed(closed),
  },
  {
    kind: 'count',
    code: 'closed_on_time',
    name: { zh: '按期结案数', en: 'Closed on time' },
    definition: {
      zh: '结案数中处置未超时的；强制结案时已过处置时限而未处置的算超时；超时申诉获批的视为按期',
      en: 'closed cases whose handling was not late; a forced closure past the handling deadline without a handling is late; an approved timeout appeal counts as on time',
    },
    source: `${src.egovaClosed}; ${src.appeal}`,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${closed} AND NOT ${closedLate})`),
  },
  {
    kind: 'count',
    code: 'dispatched_closed',
    name: { zh: '派遣结案数', en: 'Closed dispatched cases' },
    definition: { zh: '已结案且派遣过的事件（准确派遣在结案时评判）', en: 'closed cases that were dispatched (dispatch accuracy is judged at closure)' },
    source: src.unicom,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${closed} AND ${dispatched})`),
  },
  {
    kind: 'count',
    code: 'accurate_dispatch',
    name: { zh: '准确派遣数', en: 'Accurately dispatched' },
    definition: { zh: '已结案且自始至终只派遣给一个单位的事件（派遣给两个及以上单位为错误派遣）', en: 'closed cases that were only ever dispatched to one unit (two or more units is a wrong dispatch)' },
    source: `${src.unicom} (准确派遣: closed without ever being re-dispatched to another department; 错误派遣 = dispatched to ≥ 2 departments, judged at 结案)`,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${closed} AND cardinality(s.dispatch_unit_ids) = 1)`),
  },
  {
    kind: 'count',
    code: 'reworked',
    name: { zh: '返工数', en: 'Reworked cases' },
    definition: {
      zh: '派遣过且至少返工一次的事件：核查不通过退回同一单位重新处置，或回访不满意重办；每件只计一次',
      en: 'dispatched cases reworked at least once: the check failed and the same unit had to handle again, or a dissatisfied callback reopened it; each case counts once',
    },
    source: src.rework,
    basis: 'event',
    where: fixed(sql<SqlBool>`(${dispatched} AND e.rework_count > 0)`),
  },
  {
    kind: 'count',
    code: 'callbacks',
    name: { zh: '有效回访数', en: 'Valid callbacks' },
    definition: { zh: '期间内完成的有效回访（每次结案后的回访各计一次）', en: 'valid satisfaction callbacks made in the period (one per closure called back)' },
    source: src.callback,
    basis: 'callback',
    where: fixed(validCallback),
  },
  {
    kind: 'count',
    code: 'satisfied',
    name: { zh: '满意数', en: 'Satisfied' },
    definition: { zh: '有效回访中评价为“满意”的', en: 'valid callbacks rated "satisfied"' },
    source: src.callback,
    basis: 'callback',
    where: fixed(sql<SqlBool>`(${validCallback} AND c.satisfaction = 'satisfied')`),
  },
  {
    kind: 'count',
    code: 'basically_satisfied',
    name: { zh: '基本满意数', en: 'Basically satisfied' },
    definition: { zh: '有效回访中评价为“基本满意”的', en: 'valid callbacks rated "basically satisfied"' },
    source: src.callback,
    basis: 'callback',
    where: fixed(sql<SqlBool>`(${validCallback} AND c.satisfaction = 'basically_satisfied')`),
  },
  {
    kind: 'count',
    code: 'contacted',
    name: { zh: '已联系数', en: 'Contacted' },
    definition: { zh: '有效回访中承办单位已联系诉求人的', en: 'valid callbacks in which the reporter says the unit contacted them' },
    source: src.callback,
    basis: 'callback',
    where: fixed(sql<SqlBool>`(${validCallback} AND c.contacted)`),
  },
  {
    kind: 'count',
    code: 'resolved',
    name: { zh: '已解决数', en: 'Resolved' },
    definition: { zh: '有效回访中诉求人认为问题已解决的', en: 'valid callbacks in which the reporter says the problem is resolved' },
    source: src.callback,
    basis: 'callback',
    where: fixed(sql<SqlBool>`(${validCallback} AND c.resolved)`),
  },
  {
    kind: 'count',
    code: 'reminder_eligible',
    name: { zh: '可提醒数', en: 'Eligible for a reminder' },
    definition: { zh: '类别允许先行温馨提示（视频AI + 114）的事件，合并的重复件不计', en: 'events whose category allows a polite reminder first (视频AI + 114), merged duplicates left out' },
    source: src.outreach,
    basis: 'event',
    where: fixed(reminderEligible),
  },
  {
    kind: 'count',
    code: 'reminded',
    name: { zh: '已提醒数', en: 'Reminded' },
    definition: { zh: '可提醒事件中已向责任方发出提醒（短信或语音已排队发送）的', en: 'eligible events for which a reminder went out to the responsible party (an SMS or call was queued)' },
    source: src.outreach,
    basis: 'event',
    where: fixed(reminded),
  },
  {
    kind: 'count',
    code: 'complied_after_reminder',
    name: { zh: '提醒后整改数', en: 'Complied after a reminder' },
    definition: { zh: '已提醒事件中责任方整改、以“提醒后整改”结案的', en: 'reminded events closed because the party complied ("resolved by reminder")' },
    source: src.outreach,
    basis: 'event',
    where: fixed(compliedAfterReminder),
  },
];

export const rates: readonly RateDefinition[] = [
  {
    kind: 'rate',
    code: 'valid_report_rate',
    name: { zh: '有效上报率', en: 'Valid report rate' },
    numerator: [{ count: 'valid_reports', weight: 1 }],
    denominator: 'reports',
    source: 'eGova 有效上报率 = 有效上报数 / 上报数 [V]',
  },
  {
    kind: 'rate',
    code: 'handle_rate',
    name: { zh: '处置率', en: 'Handling rate' },
    numerator: [{ count: 'handled', weight: 1 }],
    denominator: 'due_handling',
    source: '宿州 2022 bulletin 6507/6523 = 99.75 % (https://cgj.ahsz.gov.cn/szcg/kpqktb/192713641.html) [V]; eGova [V]',
  },
  {
    kind: 'rate',
    code: 'on_time_handle_rate',
    name: { zh: '按期处置率', en: 'On-time handling rate' },
    numerator: [{ count: 'handled_on_time', weight: 1 }],
    denominator: 'due_handling',
    source: 'eGova 按期处置率 = 按期处置数 / 应处置数 [V]',
  },
  {
    kind: 'rate',
    code: 'close_rate',
    name: { zh: '结案率', en: 'Closure rate' },
    numerator: [{ count: 'closed', weight: 1 }],
    denominator: 'due_close',
    source: '天门 bulletin 911/972 = 93.72 % (http://www.hbcic.net.cn/info/wcm/74587.htm) [V]; eGova [V]',
  },
  {
    kind: 'rate',
    code: 'on_time_close_rate',
    name: { zh: '按期结案率', en: 'On-time closure rate' },
    numerator: [{ count: 'closed_on_time', weight: 1 }],
    denominator: 'due_close',
    source: '天门 bulletin 737/972 = 75.82 % (http://www.hbcic.net.cn/info/wcm/74587.htm) [V]; eGova [V]',
  },
  {
    kind: 'rate',
    code: 'accurate_dispatch_rate',
    name: { zh: '准确派遣率', en: 'Dispatch accuracy rate' },
    numerator: [{ count: 'accurate_dispatch', weight: 1 }],
    denominator: 'dispatched_closed',
    source: 'eGova 准确派遣率 = 准确派遣数 / 应派遣数 [V]; Unicom judges 准确派遣 at 结案 [V]',
    note: {
      zh: '准确与否要到结案才能判定（Unicom），因此分母取已结案的派遣件，而不是 eGova 的应派遣数：未结案件不拉低准确率。',
      en: 'Accuracy can only be judged at closure (Unicom), so the denominator is the closed dispatched cases rather than eGova’s 应派遣数: open cases do not lower the rate.',
    },
  },
  {
    kind: 'rate',
    code: 'rework_rate',
    name: { zh: '返工率', en: 'Rework rate' },
    numerator: [{ count: 'reworked', weight: 1 }],
    denominator: 'dispatched',
    source: 'eGova 返工数 [V] (denominator "待现场确认"); 成都金牛 返工数 / 应结案数 [R]; Unicom per department [V]',
    note: {
      zh: '来源的分母不一致。这里取派遣数：每件返工件都派遣过，所以分子总是分母的子集，按区域、单位、岗位都可比；返工后重新处置的事件不会从分母中暂时消失（若取处置数或应结案数则会）。',
      en: 'The sources disagree on the denominator. We use dispatched cases: every reworked case was dispatched, so the numerator is always a subset of the denominator, comparable for areas, units and posts; a case being handled again after a rework does not drop out of the denominator meanwhile (as it would from handled or due-for-closure cases).',
    },
  },
  {
    kind: 'rate',
    code: 'satisfaction_rate',
    name: { zh: '满意率', en: 'Satisfaction rate' },
    numerator: [
      { count: 'satisfied', weight: 1 },
      { count: 'basically_satisfied', weight: 0.9 },
    ],
    denominator: 'callbacks',
    source: `12345 满意率 = (满意数 + 0.9 × 基本满意数) / 有效回访数: ${src.threeRates}`,
  },
  {
    kind: 'rate',
    code: 'response_rate',
    name: { zh: '响应率', en: 'Response rate' },
    numerator: [{ count: 'contacted', weight: 1 }],
    denominator: 'callbacks',
    source: `12345 响应率 = 已联系数 / 有效回访数: ${src.threeRates}`,
  },
  {
    kind: 'rate',
    code: 'resolution_rate',
    name: { zh: '解决率', en: 'Resolution rate' },
    numerator: [{ count: 'resolved', weight: 1 }],
    denominator: 'callbacks',
    source: `12345 解决率 = 已解决数 / 有效回访数: ${src.threeRates}`,
  },
  {
    kind: 'rate',
    code: 'outreach_rate',
    name: { zh: '提醒率', en: 'Outreach rate' },
    numerator: [{ count: 'reminded', weight: 1 }],
    denominator: 'reminder_eligible',
    source: `提醒率 = 已提醒数 / 可提醒数: ${src.outreach}`,
  },
  {
    kind: 'rate',
    code: 'compliance_rate',
    name: { zh: '提醒整改率', en: 'Compliance rate' },
    numerator: [{ count: 'complied_after_reminder', weight: 1 }],
    denominator: 'reminded',
    source: `提醒整改率 = 提醒后整改数 / 已提醒数 (提醒仍在等待复核的计为尚未整改): ${src.outreach}`,
  },
];

export const averages: readonly AverageDefinition[] = [
  {
    kind: 'average',
    code: 'avg_handle_hours',
    name: { zh: '平均处置时长', en: 'Average handling time' },
    over: 'handled',
    value: sql<number>`extract(epoch FROM e.handle_finished_at - s.first_dispatched_at) / 3600`,
    unit: { zh: '自然小时', en: 'natural hours' },
    definition: {
      zh: '处置数中每件从首次派遣到最后一次提交处置结果的时长之和 / 处置数',
      en: 'sum over the handled cases of the time from the first dispatch to the last handling submission / handled cases',
    },
    source: 'eGova 平均处置时长 (dispose_used) [V]',
    note: {
      zh: '按自然小时计（夜间、节假日和挂账时间都计入）：这是诉求人实际等待的时间，且可在数据库中直接汇总；是否超时另由按期处置率按工作时计。',
      en: 'In natural hours (nights, holidays and suspensions included): the time the reporter actually waits, and summable in the database; lateness is measured in working time by the on-time rates.',
    },
  },
];

export const indicators: readonly IndicatorDefinition[] = [...counts, ...rates, ...averages];

const byCode = new Map<string, IndicatorDefinition>(indicators.map((i) => [i.code, i]));

export function indicator(code: string): IndicatorDefinition | undefined {
  return byCode.get(code);
}

export function countDefinition(code: CountCode): CountDefinition {
  return byCode.get(code) as CountDefinition;
}

/** A rate or average as a formula over the names of its counts, e.g. "(满意数 + 0.9 × 基本满意数) / 有效回访数". */
export function formulaText(definition: IndicatorDefinition, lang: keyof Text): string {
  const name = (code: CountCode) => countDefinition(code).name[lang];
  switch (definition.kind) {
    case 'count':
      return definition.definition[lang];
    case 'rate': {
      const terms = definition.numerator.map((t) => (t.weight === 1 ? name(t.count) : `${t.weight} × ${name(t.count)}`));
      const numerator = terms.length > 1 ? `(${terms.join(' + ')})` : terms[0]!;
      return `${numerator} / ${name(definition.denominator)}`;
    }
    case 'average':
      return definition.definition[lang];
  }
}

/** The value of a rate from its counts; null when the denominator is zero (shown as "—"). */
export function rateValue(definition: RateDefinition, values: Record<CountCode, number>): number | null {
  const denominator = values[definition.denominator];
  if (denominator === 0) return null;
  return definition.numerator.reduce((sum, t) => sum + t.weight * values[t.count], 0) / denominator;
}
