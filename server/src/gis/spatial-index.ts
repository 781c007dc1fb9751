import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import Flatbush from 'flatbush';
import type { LayerShape } from './polygon.ts';

/**
 * In-memory point → polygon lookup: a Flatbush tree over the bounding boxes picks the candidates, an exact
 * point-in-polygon test (turf, robust predicates) decides. Built once, read many times; rebuilt whole when
 * the polygons change.
 *
 * The rule for points that several polygons claim, so that every point has one answer on every machine:
 * - a point on a polygon's boundary (an edge or a vertex, including the edge of a hole) is inside it;
 * - a point strictly inside a hole is not inside that polygon;
 * - when several polygons contain the point (shared edges and vertices), the lowest code wins
 *   (string order; codes of one layer have the same length, so this is numeric order too).
 */
export class SpatialIndex<T extends LayerShape> {
  private readonly shapes: T[];
  private readonly tree: Flatbush | null;

  constructor(shapes: Iterable<T>) {
    // Sorted by code, so the lowest index among the hits is the lowest code.
    this.shapes = [...shapes].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    if (this.shapes.length === 0) {
      this.tree = null;
      return;
    }
    this.tree = new Flatbush(this.shapes.length);
    for (const shape of this.shapes) this.tree.add(...shape.bbox);
    this.tree.finish();
  }

  get size(): number {
    return this.shapes.length;
  }

  /** The polygon containing the point under the rule above, or null. */
  locate(lng: number, lat: number): T | null {
    if (!this.tree) return null;
    const point = [lng, lat];
    let best = -1;
    for (const i of this.tree.search(lng, lat, lng, lat)) {
      if ((best === -1 || i < best) && booleanPointInPolygon(point, this.shapes[i]!.geometry)) best = i;
    }
    return best === -1 ? null : this.shapes[best]!;
  }
}
