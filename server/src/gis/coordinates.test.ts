import gcoordModule from 'gcoord';
import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { assertLngLat, geometryToWgs84, pointToWgs84, toWgs84 } from './coordinates.ts';

const gcoord = (gcoordModule as unknown as { default?: typeof gcoordModule.default }).default ?? (gcoordModule as unknown as typeof gcoordModule.default);

/** Metres between two WGS84 points (equirectangular; exact enough at these distances). */
function metres([lng1, lat1]: number[], [lng2, lat2]: number[]) {
  const k = (6_371_008.8 * Math.PI) / 180;
  return Math.hypot((lng1! - lng2!) * k * Math.cos((lat1! * Math.PI) / 180), (lat1! - lat2!) * k);
}

function fieldsOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).fields.map((f) => `${f.field} ${f.code}`);
  }
  throw new Error('expected an error');
}

describe('coordinates', () => {
  const samples = [
    [121.4, 29.8],
    [121.52, 29.9],
    [121.4567, 29.8512],
    [116.397, 39.909], // Beijing
    [113.264, 23.129], // Guangzhou
  ];

  it('passes WGS84 and CGCS2000 through unchanged', () => {
    expect(toWgs84(121.45, 29.85)).toEqual([121.45, 29.85]);
    expect(toWgs84(121.45, 29.85, 'CGCS2000')).toEqual([121.45, 29.85]);
  });

  it('brings GCJ-02 and BD-09 back to WGS84 within a metre of where gcoord sent them', () => {
    for (const wgs of samples) {
      const gcj = gcoord.transform(wgs as [number, number], gcoord.WGS84, gcoord.GCJ02) as number[];
      const bd = gcoord.transform(wgs as [number, number], gcoord.WGS84, gcoord.BD09) as number[];
      // The offsets are real (hundreds of metres), so the conversion is not a no-op.
      expect(metres(wgs, gcj)).toBeGreaterThan(100);
      expect(metres(wgs, toWgs84(gcj[0]!, gcj[1]!, 'GCJ02'))).toBeLessThan(1);
      expect(metres(wgs, toWgs84(bd[0]!, bd[1]!, 'BD09'))).toBeLessThan(1);
    }
  });

  it('converts every position of a geometry and keeps rings closed', () => {
    const ring = [[121.45, 29.85], [121.46, 29.85], [121.46, 29.86], [121.45, 29.85]];
    const converted = geometryToWgs84({ type: 'Polygon', coordinates: [ring] }, 'GCJ02');
    const out = converted.coordinates[0]!;
    expect(out[0]).toEqual(out[3]);
    expect(out[1]).toEqual(toWgs84(121.46, 29.85, 'GCJ02'));
    expect(ring[0]).toEqual([121.45, 29.85]); // the input is left alone
  });

  it('refuses non-finite or out-of-range coordinates, naming the field', () => {
    expect(fieldsOf(() => assertLngLat(Number.NaN, 29.8, '/querystring'))).toEqual(['/querystring/lng INVALID_COORDINATE']);
    expect(fieldsOf(() => assertLngLat(121.4, Infinity))).toEqual(['/lat INVALID_COORDINATE']);
    expect(fieldsOf(() => pointToWgs84({ lng: 181, lat: -91, crs: 'GCJ02' }, '/location'))).toEqual(['/location/lng INVALID_COORDINATE', '/location/lat INVALID_COORDINATE']);
    expect(pointToWgs84({ lng: 121.45, lat: 29.85 })).toEqual([121.45, 29.85]);
  });
});
