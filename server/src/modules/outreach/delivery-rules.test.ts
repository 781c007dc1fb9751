import { describe, expect, it } from 'vitest';
import { channelOpen, inQuietHours, nextOpening, retryDelay } from './delivery-rules.ts';

/** Local (Asia/Shanghai) wall-clock time as an instant. */
const local = (text: string) => Date.parse(`${text}+08:00`);
const night = { start: '21:00', end: '08:00', smsAllowed: false };

describe('delivery rules', () => {
  it('knows quiet hours across midnight, edges included at the start only', () => {
    expect(inQuietHours(local('2026-11-26T20:59:59'), night)).toBe(false);
    expect(inQuietHours(local('2026-11-26T21:00:00'), night)).toBe(true);
    expect(inQuietHours(local('2026-11-27T03:00:00'), night)).toBe(true);
    expect(inQuietHours(local('2026-11-27T07:59:59'), night)).toBe(true);
    expect(inQuietHours(local('2026-11-27T08:00:00'), night)).toBe(false);
    // A window inside one day (a lunchtime rest), and none at all.
    expect(inQuietHours(local('2026-11-26T12:30:00'), { start: '12:00', end: '13:30', smsAllowed: false })).toBe(true);
    expect(inQuietHours(local('2026-11-26T13:30:00'), { start: '12:00', end: '13:30', smsAllowed: false })).toBe(false);
    expect(inQuietHours(local('2026-11-26T23:00:00'), { start: '00:00', end: '00:00', smsAllowed: false })).toBe(false);
  });

  it('holds voice calls always, and SMS unless allowed, until the window opens', () => {
    const late = local('2026-11-26T22:15:00');
    expect(nextOpening('voice', late, night)).toBe(local('2026-11-27T08:00:00'));
    expect(nextOpening('sms', late, night)).toBe(local('2026-11-27T08:00:00'));
    expect(nextOpening('sms', late, { ...night, smsAllowed: true })).toBe(late);
    expect(channelOpen('voice', late, { ...night, smsAllowed: true })).toBe(false);
    // After midnight the window opens the same morning.
    expect(nextOpening('voice', local('2026-11-27T01:00:00'), night)).toBe(local('2026-11-27T08:00:00'));
    const day = local('2026-11-26T10:00:00');
    expect(nextOpening('voice', day, night)).toBe(day);
  });

  it('doubles the wait after each failure, up to the cap', () => {
    const policy = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 600_000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy))).toEqual([30_000, 60_000, 120_000, 240_000, 480_000, 600_000]);
  });
});
