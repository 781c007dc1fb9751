import getShapefile from 'shpjs';
import { readZip, ZipTooLargeError } from './zip.ts';

/** A feature as found in an uploaded file, before any validation. */
export interface RawFeature {
  geometry: unknown;
  properties: Record<string, unknown>;
}

/** The file is neither a GeoJSON FeatureCollection nor a zipped shapefile we can read. */
export class FeatureFileError extends Error {}

/**
 * The features of an uploaded GeoJSON file (a FeatureCollection or one Feature, UTF-8) or zipped
 * shapefile (one layer: .shp with its .dbf, and .prj/.cpg when present; a .prj makes shpjs reproject
 * to WGS84). Throws FeatureFileError for anything unreadable and ZipTooLargeError past `maxUnzippedBytes`.
 */
export async function readFeatureFile(bytes: Buffer, maxUnzippedBytes: number): Promise<RawFeature[]> {
  const isZip = bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50;
  return isZip ? readShapefileZip(bytes, maxUnzippedBytes) : readGeoJson(bytes);
}

function readGeoJson(bytes: Buffer): RawFeature[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch {
    throw new FeatureFileError('not valid JSON');
  }
  const root = parsed as { type?: unknown; features?: unknown };
  const features = root?.type === 'FeatureCollection' ? root.features : root?.type === 'Feature' ? [root] : undefined;
  if (!Array.isArray(features)) throw new FeatureFileError('not a GeoJSON FeatureCollection');
  return features.map((f: { geometry?: unknown; properties?: unknown } | null) => ({
    geometry: f?.geometry,
    properties: f?.properties && typeof f.properties === 'object' ? (f.properties as Record<string, unknown>) : {},
  }));
}

async function readShapefileZip(bytes: Buffer, maxUnzippedBytes: number): Promise<RawFeature[]> {
  let files: Map<string, Buffer>;
  try {
    files = readZip(bytes, maxUnzippedBytes);
  } catch (error) {
    if (error instanceof ZipTooLargeError) throw error;
    throw new FeatureFileError((error as Error).message);
  }
  const byExtension = (extension: string) => [...files.keys()].filter((name) => !name.startsWith('__MACOSX/') && name.toLowerCase().endsWith(extension));
  const layers = byExtension('.shp');
  if (layers.length !== 1) throw new FeatureFileError(`expected one .shp layer in the archive, found ${layers.length}`);
  const base = layers[0]!.slice(0, -4).toLowerCase();
  const sibling = (extension: string) => files.get(byExtension(extension).find((name) => name.slice(0, -4).toLowerCase() === base) ?? '');
  const dbf = sibling('.dbf');
  if (!dbf) throw new FeatureFileError('the .shp has no .dbf beside it (the grid codes are in the attribute table)');
  try {
    const collection = await getShapefile({ shp: files.get(layers[0]!)!, dbf, prj: sibling('.prj')?.toString('utf8'), cpg: sibling('.cpg')?.toString('utf8') });
    return collection.features.map((f) => ({ geometry: f.geometry, properties: f.properties ?? {} }));
  } catch (error) {
    throw new FeatureFileError(`unreadable shapefile: ${(error as Error).message}`);
  }
}
