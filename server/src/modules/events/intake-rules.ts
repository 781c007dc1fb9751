import type { EventSource } from './events.tables.ts';
import type { EventState } from './event-workflow.ts';
import { localDate } from './work-calendar.ts';

/**
 * Staff channels report what they have seen on the spot, so their events skip 受理/核实 and wait for
 * 立案. Reports from residents, hotlines and machines (video AI, IoT) start at 受理, where the acceptor
 * may send a grid worker to verify them first.
 */
const staffSources: readonly EventSource[] = ['superior', 'patrol', 'grid', 'inspection'];

/** The state a new event starts in. An event without a grid is never lost: it waits for placement. */
export function initialState(source: EventSource, placed: boolean): EventState {
  if (!placed) return 'pending_placement';
  return staffSources.includes(source) ? 'pending_register' : 'reported';
}

/** The town (9-digit code) a division belongs to, or undefined above town level. */
export function townOf(divisionCode: string): string | undefined {
  return divisionCode.length >= 9 ? divisionCode.slice(0, 9) : undefined;
}

/** 330203103-20261126-00042: town, local (Asia/Shanghai) date, daily sequence. */
export function caseCode(townCode: string, day: string, sequence: number): string {
  return `${townCode}-${day.replaceAll('-', '')}-${String(sequence).padStart(5, '0')}`;
}

/** The local day a case number counts in. */
export function caseDay(now: number): string {
  return localDate(now);
}

/** A title for lists when the reporter gave none: the category and where. */
export function defaultTitle(categoryName: string, address: string): string {
  return address ? `${categoryName}（${address.slice(0, 40)}）` : categoryName;
}
