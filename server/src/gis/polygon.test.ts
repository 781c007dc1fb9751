import { describe, expect, it } from 'vitest';
import { checkGeometry, checkShape, findOverlaps, geometryAreaM2, geometryBBox, type AreaGeometry } from './polygon.ts';

/** A closed ring through the given corners (offsets in 0.01° from lng 121.4, lat 29.8). */
const ring = (...corners: [number, number][]) => [...corners, corners[0]!].map(([x, y]) => [121.4 + x * 0.01, 29.8 + y * 0.01]);
const box = (x0: number, y0: number, x1: number, y1: number) => ring([x0, y0], [x1, y0], [x1, y1], [x0, y1]);
const polygon = (...rings: number[][][]): AreaGeometry => ({ type: 'Polygon', coordinates: rings });
const codes = (geometry: unknown) => checkGeometry(geometry).problems.map((p) => p.code);
const shape = (code: string, geometry: AreaGeometry) => ({ code, geometry, bbox: geometryBBox(geometry) });

describe('polygon validation', () => {
  it('accepts polygons, polygons with holes and multipolygons', () => {
    expect(codes(polygon(box(0, 0, 1, 1)))).toEqual([]);
    expect(codes(polygon(box(0, 0, 4, 4), box(1, 1, 2, 2)))).toEqual([]);
    expect(codes({ type: 'MultiPolygon', coordinates: [[box(0, 0, 1, 1)], [box(2, 2, 3, 3)]] })).toEqual([]);
  });

  it('keeps lng/lat only and drops a third dimension', () => {
    const withZ = { type: 'Polygon', coordinates: [box(0, 0, 1, 1).map(([x, y]) => [x, y, 12.5])] };
    expect(checkShape(withZ).geometry!.coordinates[0]![0]).toHaveLength(2);
  });

  it('refuses a bow-tie', () => {
    const problems = checkGeometry(polygon(ring([0, 0], [1, 1], [1, 0], [0, 1]))).problems;
    expect(problems).toEqual([{ code: 'SELF_INTERSECTION', params: { lng: '121.405000', lat: '29.805000' } }]);
  });

  it('refuses unclosed and too short rings', () => {
    const open = box(0, 0, 1, 1).slice(0, -1).concat([[121.4, 29.80001]]);
    expect(codes(polygon(open))).toEqual(['RING_NOT_CLOSED']);
    expect(checkShape(polygon(box(0, 0, 2, 2), [[121.4, 29.8], [121.41, 29.8], [121.4, 29.8]])).problems).toEqual([{ code: 'RING_TOO_SHORT', params: { part: 1, ring: 2 } }]);
  });

  it('refuses what is not a polygon or has bad coordinates', () => {
    expect(codes({ type: 'LineString', coordinates: [[0, 0], [1, 1]] })).toEqual(['NOT_POLYGON']);
    expect(codes(null)).toEqual(['NOT_POLYGON']);
    expect(codes({ type: 'Polygon', coordinates: [] })).toEqual(['NOT_POLYGON']);
    const projected = [[500000, 3300000], [500100, 3300000], [500100, 3300100], [500000, 3300000]];
    expect(checkShape(polygon(projected)).problems).toEqual([{ code: 'BAD_COORDINATE', params: { part: 1, ring: 1, position: 1 } }]);
    expect(codes(polygon([[121.4, 29.8], [121.41, '29.8'], [121.41, 29.81], [121.4, 29.8]] as never))).toEqual(['BAD_COORDINATE']);
  });

  it('refuses holes outside their shell or crossing it, and parts inside other parts', () => {
    expect(codes(polygon(box(0, 0, 2, 2), box(3, 3, 4, 4)))).toEqual(['HOLE_OUTSIDE_SHELL']);
    expect(codes(polygon(box(0, 0, 2, 2), box(1, 1, 3, 3)))).toContain('SELF_INTERSECTION');
    expect(codes({ type: 'MultiPolygon', coordinates: [[box(0, 0, 4, 4)], [box(1, 1, 2, 2)]] })).toEqual(['PARTS_OVERLAP']);
    // An island inside another part's hole is fine.
    expect(codes({ type: 'MultiPolygon', coordinates: [[box(0, 0, 4, 4), box(1, 1, 3, 3)], [box(1.5, 1.5, 2.5, 2.5)]] })).toEqual([]);
  });

  it('finds overlaps in a layer and lets shared edges and vertices be', () => {
    const a = shape('A', polygon(box(0, 0, 1, 1)));
    const sharesEdge = shape('B', polygon(box(1, 0, 2, 1)));
    const sharesVertex = shape('C', polygon(box(1, 1, 2, 2)));
    const concaveNeighbour = shape('D', polygon(ring([-1, 0], [0, 0], [0, 1], [-1, 1], [-0.5, 0.5])));
    expect(findOverlaps([a, sharesEdge, sharesVertex, concaveNeighbour], []).size).toBe(0);

    const overlapping = shape('E', polygon(box(0.5, 0.5, 1.5, 1.5)));
    const result = findOverlaps([a, overlapping], [sharesEdge]);
    expect(result.get(0)).toEqual([{ code: 'OVERLAP', params: { other: 'E', areaM2: expect.any(Number) } }]);
    expect(result.get(1)!.map((p) => p.params!.other)).toEqual(['A', 'B']);
    // A quarter of a 0.01° square at latitude 29.8°: about 0.25 × 1113 m × 966 m.
    expect(Number(result.get(0)![0]!.params!.areaM2)).toBeGreaterThan(260_000);
    expect(Number(result.get(0)![0]!.params!.areaM2)).toBeLessThan(280_000);
  });

  it('ignores overlaps under a square metre (rounding along shared edges)', () => {
    const a = shape('A', polygon(box(0, 0, 1, 1)));
    const sliver = shape('B', polygon(box(0.9999995, 0, 2, 1))); // 0.5 mm wide: about 0.5 m²
    expect(findOverlaps([a, sliver], []).size).toBe(0);
    const duplicate = shape('C', polygon(box(0, 0, 1, 1)));
    expect(findOverlaps([a, duplicate], []).size).toBe(2);
  });

  it('measures geodesic area with holes subtracted', () => {
    const full = geometryAreaM2(polygon(box(0, 0, 2, 2)));
    const holed = geometryAreaM2(polygon(box(0, 0, 2, 2), box(0.5, 0.5, 1.5, 1.5)));
    expect(holed / full).toBeCloseTo(0.75, 3);
  });
});
