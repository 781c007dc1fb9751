import { describe, expect, it } from 'vitest';
import { geometryBBox, type AreaGeometry } from './polygon.ts';
import { SpatialIndex } from './spatial-index.ts';

/**
 * Unit squares on a lattice of 0.5° steps from (120, 30): every coordinate and every midpoint used
 * below is exact in binary floating point, so "on the edge" really is on the edge.
 */
const at = (x: number, y: number) => [120 + x * 0.5, 30 + y * 0.5];
const ring = (x0: number, y0: number, x1: number, y1: number) => [at(x0, y0), at(x1, y0), at(x1, y1), at(x0, y1), at(x0, y0)];
const holeRing = (x0: number, y0: number, x1: number, y1: number) => ring(x0, y0, x1, y1).reverse();
const shape = (code: string, geometry: AreaGeometry) => ({ code, geometry, bbox: geometryBBox(geometry) });
const square = (code: string, x: number, y: number) => shape(code, { type: 'Polygon', coordinates: [ring(x, y, x + 1, y + 1)] });

//   y=2 +----+----+           +-------------+   +-------------+
//       | 03 | 04 |           | 05  +----+  |   | 08  +----+  |   11: [4,4]–[5,5] with a hole
//   y=1 +----+----+           |     | 06 |  |   |     | 07 |  |       [4.25,4.25]–[4.75,4.75]
//       | 01 | 02 |           |     +----+  |   |     +----+  |       that nobody fills
//   y=0 +----+----+           +-------------+   +-------------+
//       x=0  1    2           x=3  3.5  4.5 5   x=6  6.5  7.5 8
const layer = [
  square('01', 0, 0),
  square('02', 1, 0),
  square('03', 0, 1),
  square('04', 1, 1),
  shape('05', { type: 'Polygon', coordinates: [ring(3, 0, 5, 2), holeRing(3.5, 0.5, 4.5, 1.5)] }),
  shape('06', { type: 'Polygon', coordinates: [ring(3.5, 0.5, 4.5, 1.5)] }),
  shape('08', { type: 'Polygon', coordinates: [ring(6, 0, 8, 2), holeRing(6.5, 0.5, 7.5, 1.5)] }),
  // The enclave of 07 is the hole of 08; 07 also owns a second block elsewhere (a MultiPolygon).
  shape('07', { type: 'MultiPolygon', coordinates: [[ring(6.5, 0.5, 7.5, 1.5)], [ring(9, 0, 10, 1)]] }),
  shape('11', { type: 'Polygon', coordinates: [ring(4, 4, 5, 5), holeRing(4.25, 4.25, 4.75, 4.75)] }),
];

function answers(index: SpatialIndex<ReturnType<typeof shape>>) {
  const probe = (x: number, y: number) => index.locate(at(x, y)[0]!, at(x, y)[1]!)?.code ?? null;
  return {
    inside: [probe(0.5, 0.5), probe(1.5, 0.5), probe(0.5, 1.5), probe(1.5, 1.5)],
    sharedEdges: [probe(1, 0.5), probe(0.5, 1), probe(1.5, 1), probe(1, 1.5)],
    sharedVertex: probe(1, 1),
    outerEdgeAndCorner: [probe(0, 0.5), probe(2, 2), probe(0, 0)],
    outside: [probe(-0.25, 0.5), probe(2.5, 2.5), probe(1, 2.25)],
    holeFilledByHigherCode: { inHole: probe(4, 1), onHoleEdge: probe(3.5, 1), onHoleCorner: probe(4.5, 1.5), inRing: probe(3.25, 1) },
    holeFilledByLowerCode: { inHole: probe(7, 1), onHoleEdge: probe(6.5, 1), inRing: probe(6.25, 1), secondBlock: probe(9.5, 0.5) },
    emptyHole: { inHole: probe(4.5, 4.5), onHoleEdge: probe(4.25, 4.5), inRing: probe(4.1, 4.5) },
  };
}

describe('spatial index: one answer for every point', () => {
  it('follows the documented rule on edges, vertices and holes', () => {
    expect(answers(new SpatialIndex(layer))).toEqual({
      inside: ['01', '02', '03', '04'],
      // On a shared edge or vertex every neighbour contains the point: the lowest code wins.
      sharedEdges: ['01', '01', '02', '03'],
      sharedVertex: '01',
      // The boundary counts as inside.
      outerEdgeAndCorner: ['01', '04', '01'],
      outside: [null, null, null],
      // A point strictly in a hole is not in the holed grid; on the hole's edge both grids hold it.
      holeFilledByHigherCode: { inHole: '06', onHoleEdge: '05', onHoleCorner: '05', inRing: '05' },
      holeFilledByLowerCode: { inHole: '07', onHoleEdge: '07', inRing: '08', secondBlock: '07' },
      emptyHole: { inHole: null, onHoleEdge: '11', inRing: '11' },
    });
  });

  it('gives the same answers whatever order the grids come in', () => {
    const expected = answers(new SpatialIndex(layer));
    for (const order of [[...layer].reverse(), [...layer].sort((a, b) => a.bbox[1] - b.bbox[1] || b.code.localeCompare(a.code))]) {
      expect(answers(new SpatialIndex(order))).toEqual(expected);
    }
  });

  it('answers null when empty', () => {
    const empty = new SpatialIndex([]);
    expect(empty.size).toBe(0);
    expect(empty.locate(121, 29)).toBeNull();
  });
});
