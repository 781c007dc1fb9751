import zlib from 'node:zlib';
import type { Polygon } from 'geojson';

/**
 * Test fixtures: a minimal ESRI shapefile writer (polygons, one text attribute) and zip writer, so the
 * import is tested on real archives without a writer library.
 */
export function shapefileParts(features: { code: string; geometry: Polygon }[], field = 'CODE') {
  return { shp: shp(features.map((f) => f.geometry)), dbf: dbf(field, features.map((f) => f.code)) };
}

export const wgs84Prj =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

function shp(polygons: Polygon[]): Buffer {
  const records = polygons.map((polygon, i) => {
    // Shapefile outer rings run clockwise, holes counter-clockwise: the reverse of GeoJSON.
    const rings = polygon.coordinates.map((ring) => [...ring].reverse());
    const points = rings.flat();
    const content = Buffer.alloc(44 + 4 * rings.length + 16 * points.length);
    content.writeInt32LE(5, 0);
    bbox(points).forEach((v, k) => content.writeDoubleLE(v, 4 + 8 * k));
    content.writeInt32LE(rings.length, 36);
    content.writeInt32LE(points.length, 40);
    let start = 0;
    rings.forEach((ring, k) => {
      content.writeInt32LE(start, 44 + 4 * k);
      start += ring.length;
    });
    points.forEach(([x, y], k) => {
      content.writeDoubleLE(x!, 44 + 4 * rings.length + 16 * k);
      content.writeDoubleLE(y!, 52 + 4 * rings.length + 16 * k);
    });
    const header = Buffer.alloc(8);
    header.writeInt32BE(i + 1, 0);
    header.writeInt32BE(content.length / 2, 4);
    return Buffer.concat([header, content]);
  });
  const body = Buffer.concat(records);
  const header = Buffer.alloc(100);
  header.writeInt32BE(9994, 0);
  header.writeInt32BE((100 + body.length) / 2, 24);
  header.writeInt32LE(1000, 28);
  header.writeInt32LE(5, 32);
  bbox(polygons.flatMap((p) => p.coordinates.flat())).forEach((v, k) => header.writeDoubleLE(v, 36 + 8 * k));
  return Buffer.concat([header, body]);
}

function bbox(points: number[][]) {
  const xs = points.map((p) => p[0]!);
  const ys = points.map((p) => p[1]!);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

function dbf(field: string, values: string[]): Buffer {
  const width = Math.max(1, ...values.map((v) => Buffer.byteLength(v)));
  const header = Buffer.alloc(32 + 32 + 1);
  header.writeUInt8(3, 0);
  header.writeUInt8(126, 1);
  header.writeUInt8(1, 2);
  header.writeUInt8(1, 3);
  header.writeUInt32LE(values.length, 4);
  header.writeUInt16LE(header.length, 8);
  header.writeUInt16LE(1 + width, 10);
  header.write(field.slice(0, 10), 32, 'latin1');
  header.write('C', 43, 'latin1');
  header.writeUInt8(width, 48);
  header.writeUInt8(0x0d, 64);
  const rows = values.map((v) => Buffer.from(` ${v.padEnd(width, ' ')}`, 'latin1'));
  return Buffer.concat([header, ...rows, Buffer.from([0x1a])]);
}

/** A zip archive of the given files, deflated (method 8) unless `stored`. */
export function zip(files: Record<string, Buffer | string>, options: { stored?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const packed = options.stored ? data : zlib.deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(options.stored ? 0 : 8, 8);
    local.writeUInt32LE(zlib.crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(options.stored ? 0 : 8, 10);
    central.writeUInt32LE(zlib.crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
