import { describe, expect, it } from 'vitest';
import { checkGeometry, findOverlaps, geometryAreaM2, geometryBBox, type AreaGeometry } from '../gis/polygon.ts';
import { SpatialIndex } from '../gis/spatial-index.ts';
import { demoOutlines } from './demo-boundaries.ts';
import { demoVillages } from './demo-town.ts';

const shapes = (map: Map<string, AreaGeometry>) => [...map].map(([code, geometry]) => ({ code, geometry, bbox: geometryBBox(geometry) }));

describe('demo outlines', () => {
  const villages = demoVillages();
  const outlines = demoOutlines(villages);

  it('are the same on every run', () => {
    expect(JSON.stringify(demoOutlines(villages))).toBe(JSON.stringify(outlines));
  });

  it('are valid polygons without overlaps in each layer', () => {
    for (const geometry of [outlines.town, ...outlines.villages.values(), ...outlines.grids.values()]) expect(checkGeometry(geometry).problems).toEqual([]);
    expect(findOverlaps(shapes(outlines.villages), []).size).toBe(0);
    expect(findOverlaps(shapes(outlines.grids), []).size).toBe(0);
  });

  it('tile the town: villages fill it and each village is exactly its unit grids', () => {
    const villageSum = [...outlines.villages.values()].reduce((sum, g) => sum + geometryAreaM2(g), 0);
    expect(Math.abs(villageSum - geometryAreaM2(outlines.town))).toBeLessThan(1);
    for (const village of villages) {
      // Geodesic area is not quite additive when an edge gets extra vertices: a few ppm.
      const gridSum = village.gridCodes.reduce((sum, code) => sum + geometryAreaM2(outlines.grids.get(code)!), 0);
      const villageArea = geometryAreaM2(outlines.villages.get(village.code)!);
      expect(Math.abs(gridSum - villageArea) / villageArea).toBeLessThan(2e-5);
    }
    expect(outlines.grids.size).toBe(villages.reduce((n, v) => n + v.gridCodes.length, 0));
  });

  it('place every point of the town in exactly the grid of its village', () => {
    const index = new SpatialIndex(shapes(outlines.grids));
    const villageIndex = new SpatialIndex(shapes(outlines.villages));
    const [minLng, minLat, maxLng, maxLat] = geometryBBox(outlines.town);
    const townIndex = new SpatialIndex(shapes(new Map([['town', outlines.town]])));
    let inside = 0;
    for (let i = 0; i < 4000; i++) {
      const lng = minLng + ((i * 7919) % 4000) / 4000 * (maxLng - minLng);
      const lat = minLat + ((i * 104729) % 3989) / 3989 * (maxLat - minLat);
      const grid = index.locate(lng, lat);
      expect(grid !== null).toBe(townIndex.locate(lng, lat) !== null);
      if (!grid) continue;
      inside++;
      expect(grid.code.slice(0, 12)).toBe(villageIndex.locate(lng, lat)!.code);
    }
    expect(inside).toBeGreaterThan(3000);
  });
});
