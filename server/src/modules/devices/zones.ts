import type { RuleIssue } from './alarm-rules.ts';

/** A zone drawn on a camera snapshot, as the API gives it. */
export interface ZoneInput {
  name: string;
  polygon: number[][];
  imageWidth: number;
  imageHeight: number;
}

/**
 * Zones are simple polygons (at least 3 distinct vertices, no crossing edges, some area) inside the
 * image they were drawn on, with names unique per camera.
 */
export function checkZones(zones: readonly ZoneInput[]): RuleIssue[] {
  const issues: RuleIssue[] = [];
  const names = new Set<string>();
  zones.forEach((zone, i) => {
    if (names.has(zone.name)) issues.push({ field: `/zones/${i}/name`, code: 'duplicateRow', params: { row: zone.name } });
    names.add(zone.name);
    if (!isSimplePolygonInside(zone.polygon as [number, number][], zone.imageWidth, zone.imageHeight)) {
      issues.push({ field: `/zones/${i}/polygon`, code: 'ZONE_POLYGON', params: { width: zone.imageWidth, height: zone.imageHeight } });
    }
  });
  return issues;
}

function isSimplePolygonInside(points: [number, number][], width: number, height: number): boolean {
  const ring = points.length > 3 && samePoint(points[0]!, points[points.length - 1]!) ? points.slice(0, -1) : points;
  if (ring.length < 3 || ring.some(([x, y]) => !(x >= 0 && x <= width && y >= 0 && y <= height))) return false;
  if (Math.abs(signedArea(ring)) < 1) return false;
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      // Neighbouring edges share a vertex; only the others may not meet.
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsMeet(ring[i]!, ring[(i + 1) % n]!, ring[j]!, ring[(j + 1) % n]!)) return false;
    }
  }
  return true;
}

const samePoint = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];

function signedArea(ring: [number, number][]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
const onSegment = (p: [number, number], a: [number, number], b: [number, number]) =>
  Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);

function segmentsMeet(a: [number, number], b: [number, number], c: [number, number], d: [number, number]): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && onSegment(a, c, d)) || (d2 === 0 && onSegment(b, c, d)) || (d3 === 0 && onSegment(c, a, b)) || (d4 === 0 && onSegment(d, a, b));
}
