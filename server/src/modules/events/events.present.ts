import type { EventSource } from './events.tables.ts';
import { phaseUnit, type EventRow } from './event-effects.ts';
import { publicStage, type EventState } from './event-workflow.ts';
import { trafficLight, usedFraction, type LightRule, type LimitUnit, type TrafficLight } from './work-calendar.ts';
import type { EventSummary, EventView } from './events.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The traffic light of the running phase; none while suspended, closed or without a deadline. */
export function lightOf(row: { phase: string | null; phase_started_at: Date | null; phase_deadline: Date | null; handle_limit_unit: LimitUnit | null; urgency: EventRow['urgency'] }, rule: LightRule, now: number): TrafficLight | null {
  if (!row.phase || row.phase === 'suspended' || !row.phase_started_at || !row.phase_deadline) return null;
  return trafficLight(usedFraction(rule.calendar, phaseUnit(row), row.phase_started_at.getTime(), row.phase_deadline.getTime(), now), rule.yellowFrom);
}

export interface SummaryRow {
  id: number;
  code: string;
  source: EventSource;
  category_code: string | null;
  category_name: string | null;
  title: string;
  address: string;
  division_code: string;
  /** The grid's name (it carries the village) or the town's, for those who cannot read the division tree. */
  division_name: string | null;
  grid_code: string | null;
  urgency: EventRow['urgency'];
  state: string;
  phase: string | null;
  phase_started_at: Date | null;
  phase_deadline: Date | null;
  handle_limit_unit: LimitUnit | null;
  handling_unit_id: number | null;
  handling_unit_name: string | null;
  reported_at: Date;
}

export function presentSummary(row: SummaryRow, light: LightRule, now: number): EventSummary {
  return {
    id: row.id,
    code: row.code,
    source: row.source,
    categoryCode: row.category_code,
    categoryName: row.category_name,
    title: row.title,
    address: row.address,
    divisionCode: row.division_code,
    divisionName: row.division_name,
    gridCode: row.grid_code,
    urgency: row.urgency,
    state: row.state,
    phase: row.phase,
    phaseDeadline: iso(row.phase_deadline),
    light: lightOf(row, light, now),
    handlingUnitId: row.handling_unit_id,
    handlingUnitName: row.handling_unit_name,
    reportedAt: row.reported_at.toISOString(),
  };
}

export interface ViewNames {
  categoryName: string | null;
  divisionName: string | null;
  units: { id: number; name: string }[];
}

export function presentEvent(row: EventRow, names: ViewNames, light: LightRule, now: number): EventView {
  const unitName = (id: number | null) => names.units.find((u) => u.id === id)?.name ?? null;
  return {
    ...presentSummary({ ...row, category_name: names.categoryName, division_name: names.divisionName, handling_unit_name: unitName(row.handling_unit_id) }, light, now),
    description: row.description,
    sourceRef: row.source_ref,
    standardId: row.standard_id,
    lng: row.lng,
    lat: row.lat,
    reporterName: row.reporter_name,
    reporterPhone: row.reporter_phone_masked,
    stage: publicStage(row.state as EventState),
    phaseStartedAt: iso(row.phase_started_at),
    coUnits: row.co_unit_ids.map((id) => ({ id, name: unitName(id) ?? String(id) })),
    handleDeadline: iso(row.handle_deadline),
    handleTimedOut: row.handle_timed_out,
    extensionCount: row.extension_count,
    extensionRequest: row.extension_request,
    suspendedUntil: iso(row.suspended_until),
    reworkCount: row.rework_count,
    returnCount: row.return_count,
    dispatchCount: row.dispatch_count,
    closeType: row.close_type,
    closedAt: iso(row.closed_at),
    appealStatus: row.appeal_status,
    mergedIntoId: row.merged_into_id,
    version: row.version,
  };
}
