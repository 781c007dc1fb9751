import crypto from 'node:crypto';

/**
 * Alibaba Cloud RPC-style request signing (signature version 1.0, HMAC-SHA1), which Dysmsapi
 * (SMS, API version 2017-05-25) uses. Implemented from the published "签名机制" for RPC APIs:
 *
 * 1. Every request parameter except Signature, sorted by name; names and values percent-encoded as
 *    RFC 3986 (A–Z a–z 0–9 - _ . ~ stay, everything else UTF-8 %XY with upper-case hex, space %20);
 *    joined as `name=value` with `&`: the canonicalized query string.
 * 2. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(canonicalized).
 * 3. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
 *
 * The published example (AccessKeySecret "testsecret", DescribeRegions) gives CT9X0VtwR86fNWSnsc6v8YGOjuE=;
 * the test checks it.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function canonicalizedQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name]!)}`)
    .join('&');
}

export function stringToSign(method: 'GET' | 'POST', params: Record<string, string>): string {
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalizedQuery(params))}`;
}

export function rpcSignature(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  return crypto.createHmac('sha1', `${accessKeySecret}&`).update(stringToSign(method, params), 'utf8').digest('base64');
}

/** ISO 8601 in UTC without milliseconds, as the Timestamp parameter wants it: 2026-11-26T06:05:09Z. */
export function rpcTimestamp(at: number): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
