import type { Channel } from './outreach.tables.ts';

/**
 * When a message may go out and when a failed one is tried again. Pure: times are epoch milliseconds,
 * quiet hours are local Asia/Shanghai clock times (UTC+8 all year, no daylight saving).
 */
export interface QuietHours {
  /** "21:00": quiet from this local time… */
  start: string;
  /** "08:00": …until this one (may be on the next day). Equal to start: no quiet hours. */
  end: string;
  /** SMS may go out in quiet hours; voice calls never do. */
  smsAllowed: boolean;
}

const minute = 60_000;
const day = 24 * 60 * minute;
const shanghaiOffset = 8 * 60 * minute;

export const clockTime = /^([01]\d|2[0-3]):[0-5]\d$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Minutes after local midnight of an instant. */
const localMinutes = (at: number) => Math.floor((((at + shanghaiOffset) % day) + day) % day / minute);

export function inQuietHours(at: number, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  const now = localMinutes(at);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** Whether a channel may be sent at this instant. */
export function channelOpen(channel: Channel, at: number, quiet: QuietHours): boolean {
  if (!inQuietHours(at, quiet)) return true;
  return channel === 'sms' && quiet.smsAllowed;
}

/** The first instant at or after `at` when the channel may be sent: `at` itself outside quiet hours. */
export function nextOpening(channel: Channel, at: number, quiet: QuietHours): number {
  if (channelOpen(channel, at, quiet)) return at;
  const end = minutesOf(quiet.end);
  // The quiet period ends at the next local `end` o'clock after `at`.
  const localMidnight = Math.floor((at + shanghaiOffset) / day) * day - shanghaiOffset;
  const today = localMidnight + end * minute;
  return today > at ? today : today + day;
}

export interface RetryPolicy {
  maxAttempts: number;
  /** The wait after the first failure; it doubles after each further one. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Exponential backoff: the wait after the n-th failed attempt (n ≥ 1). */
export function retryDelay(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
}
