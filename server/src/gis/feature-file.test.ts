import { describe, expect, it } from 'vitest';
import { shapefileParts, wgs84Prj, zip } from '../modules/grids/shapefile.fixture.ts';
import { FeatureFileError, readFeatureFile } from './feature-file.ts';
import { readZip, ZipTooLargeError } from './zip.ts';

const square = { type: 'Polygon' as const, coordinates: [[[121.4, 29.8], [121.41, 29.8], [121.41, 29.81], [121.4, 29.81], [121.4, 29.8]]] };
const mb = 1024 * 1024;

describe('reading uploaded feature files', () => {
  it('reads GeoJSON FeatureCollections and single Features, with or without a BOM', async () => {
    const collection = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '33020310320101' }, geometry: square }] };
    expect(await readFeatureFile(Buffer.from(JSON.stringify(collection)), mb)).toEqual([{ properties: { code: '33020310320101' }, geometry: square }]);
    const feature = `\uFEFF${JSON.stringify({ type: 'Feature', properties: null, geometry: square })}`;
    expect(await readFeatureFile(Buffer.from(feature), mb)).toEqual([{ properties: {}, geometry: square }]);
  });

  it('reads a zipped shapefile with its attribute table, reprojecting through the .prj', async () => {
    const parts = shapefileParts([{ code: '33020310320101', geometry: square }]);
    for (const archive of [zip({ 'grids/grids.shp': parts.shp, 'grids/grids.dbf': parts.dbf, 'grids/grids.prj': wgs84Prj }), zip({ 'A.SHP': parts.shp, 'A.DBF': parts.dbf }, { stored: true })]) {
      const [feature] = await readFeatureFile(archive, mb);
      expect(feature!.properties).toEqual({ CODE: '33020310320101' });
      const ring = (feature!.geometry as typeof square).coordinates[0]!;
      expect(ring).toHaveLength(5);
      // proj4 (WGS84 → WGS84) may move a coordinate by a rounding step.
      const near = (value: number, ...choices: number[]) => choices.some((c) => Math.abs(value - c) < 1e-9);
      for (const [lng, lat] of ring) expect(near(lng!, 121.4, 121.41) && near(lat!, 29.8, 29.81)).toBe(true);
    }
  });

  it('refuses what it cannot read', async () => {
    await expect(readFeatureFile(Buffer.from('not json'), mb)).rejects.toThrow(FeatureFileError);
    await expect(readFeatureFile(Buffer.from('{"type":"Topology"}'), mb)).rejects.toThrow('not a GeoJSON FeatureCollection');
    const parts = shapefileParts([{ code: 'x', geometry: square }]);
    await expect(readFeatureFile(zip({ 'a.shp': parts.shp }), mb)).rejects.toThrow('no .dbf');
    await expect(readFeatureFile(zip({ 'a.shp': parts.shp, 'a.dbf': parts.dbf, 'b.shp': parts.shp }), mb)).rejects.toThrow('expected one .shp layer');
    await expect(readFeatureFile(zip({ 'a.shp': Buffer.from('garbage'), 'a.dbf': parts.dbf }), mb)).rejects.toThrow(FeatureFileError);
    await expect(readFeatureFile(Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(10)]), mb)).rejects.toThrow('not a zip archive');
  });

  it('stops inflating at the limit whatever the archive claims', () => {
    const bomb = zip({ 'a.dbf': Buffer.alloc(3 * mb) });
    expect(bomb.length).toBeLessThan(10_000);
    expect(() => readZip(bomb, 2 * mb)).toThrow(ZipTooLargeError);
    expect(readZip(bomb, 4 * mb).get('a.dbf')!.length).toBe(3 * mb);
    // A lying central directory (claiming 10 bytes) changes nothing: the limit is on the output.
    const liar = Buffer.from(bomb);
    const central = liar.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    liar.writeUInt32LE(10, central + 24);
    expect(() => readZip(liar, 2 * mb)).toThrow(ZipTooLargeError);
  });
});
