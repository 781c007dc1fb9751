import type { IndicatorCode } from './indicators.ts';

export const evaluationObjects = ['area', 'organization', 'post'] as const;
export type EvaluationObject = (typeof evaluationObjects)[number];
/** 岗位: the step a person performs on a case — 上报 (grid workers, patrols…), 派遣 (dispatchers), 处置 (handlers). */
export const posts = ['reporter', 'dispatcher', 'handler'] as const;
export type Post = (typeof posts)[number];

/** The columns each table shows; every value of every indicator is returned anyway (rates need their parts). */
export const columnsOf: Record<'area' | 'organization' | Post, readonly IndicatorCode[]> = {
  area: [
    'reports', 'valid_reports', 'valid_report_rate', 'registered',
    'due_close', 'closed', 'close_rate', 'closed_on_time', 'on_time_close_rate',
    'due_handling', 'handled', 'handle_rate', 'handled_on_time', 'on_time_handle_rate', 'overdue_unhandled',
    'accurate_dispatch_rate', 'reworked', 'rework_rate',
    'satisfaction_rate', 'response_rate', 'resolution_rate', 'avg_handle_hours',
    'reminder_eligible', 'reminded', 'outreach_rate', 'complied_after_reminder', 'compliance_rate',
  ],
  organization: [
    'dispatched', 'due_handling', 'handled', 'handle_rate', 'handled_on_time', 'on_time_handle_rate', 'overdue_unhandled',
    'due_close', 'closed', 'close_rate', 'on_time_close_rate',
    'accurate_dispatch_rate', 'reworked', 'rework_rate',
    'satisfaction_rate', 'response_rate', 'resolution_rate', 'avg_handle_hours',
  ],
  reporter: ['reports', 'valid_reports', 'valid_report_rate', 'registered', 'closed', 'close_rate'],
  dispatcher: ['dispatched', 'dispatched_closed', 'accurate_dispatch', 'accurate_dispatch_rate', 'reworked', 'rework_rate'],
  handler: ['due_handling', 'handled', 'handle_rate', 'handled_on_time', 'on_time_handle_rate', 'reworked', 'rework_rate', 'avg_handle_hours'],
};
