import type { SendResult } from './provider.ts';

/** Connection errors that happen before a request leaves: the message certainly did not go out. */
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export type HttpAnswer = { status: number; body: string };
type NoAnswer = Extract<SendResult, { outcome: 'failed' | 'unknown' }>;

/**
 * One POST, bounded by the worker's signal. An answer is returned whatever its status; no answer is
 * a retryable failure when the connection was never made, else unknown (the request may have arrived).
 */
export async function post(url: string, body: string, headers: Record<string, string>, signal: AbortSignal): Promise<HttpAnswer | NoAnswer> {
  try {
    const response = await fetch(url, { method: 'POST', body, headers, signal, redirect: 'error' });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if (signal.aborted) return { outcome: 'unknown', error: 'timeout: no answer in time' };
    const code = (error as { cause?: { code?: string } }).cause?.code ?? '';
    if (notSent.has(code)) return { outcome: 'failed', retryable: true, error: `connection failed (${code})` };
    return { outcome: 'unknown', error: `connection broken${code ? ` (${code})` : ''}` };
  }
}

export const isAnswer = (value: HttpAnswer | NoAnswer): value is HttpAnswer => 'status' in value;

/** Statuses worth another try: the receiver was busy or timed out on its side. */
export const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;
