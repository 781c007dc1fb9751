/** The part of shpjs (no bundled types) that the boundary import uses: parsing already-unzipped files. */
declare module 'shpjs' {
  interface ShapefileParts {
    shp: ArrayBuffer | ArrayBufferView;
    dbf?: ArrayBuffer | ArrayBufferView;
    /** The .prj text: when present, coordinates are reprojected to WGS84 lng/lat with proj4. */
    prj?: string;
    /** The .cpg text naming the .dbf encoding (UTF-8 when absent). */
    cpg?: string;
  }
  interface ShapefileCollection {
    type: 'FeatureCollection';
    features: { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> | null }[];
  }
  export default function getShapefile(parts: ShapefileParts): Promise<ShapefileCollection>;
}
