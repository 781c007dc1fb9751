import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';
import { InputCrs } from '../../gis/coordinates.ts';

/** Query and response schemas shared by every record kind. */
const DivisionCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$' });
const Bbox = Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat' });

export const RecordFilterQuery = Type.Object({
  keyword: Type.Optional(Type.String({ maxLength: 64, description: 'Name or address substring; an exact ID number or mobile number is matched through its blind index' })),
  divisionCode: Type.Optional(DivisionCode),
  type: Type.Optional(Type.String({ maxLength: 32, description: 'The kind-specific type: residence type, house use, enterprise or place kind, device type' })),
  tags: Type.Optional(Type.String({ maxLength: 300, description: 'People: comma-separated special-care tags (any of them)' })),
  status: Type.Optional(StringEnum(['online', 'offline'])),
  bbox: Type.Optional(Bbox),
  polygon: Type.Optional(Type.String({ maxLength: 200_000, description: 'A GeoJSON Polygon or MultiPolygon (JSON text)' })),
  crs: Type.Optional(InputCrs),
});
export type RecordFilterQuery = Static<typeof RecordFilterQuery>;

export const ListQuery = Type.Intersect([PageQuery, RecordFilterQuery]);
export type ListQuery = Static<typeof ListQuery>;

export const WithinQuery = Type.Intersect([RecordFilterQuery, Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50_000 })) })]);
export type WithinQuery = Static<typeof WithinQuery>;

export const NearestQuery = Type.Object({
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  crs: Type.Optional(InputCrs),
  type: Type.Optional(Type.String({ maxLength: 32 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  withinMetres: Type.Optional(Type.Number({ minimum: 1, maximum: 50_000 })),
});
export type NearestQuery = Static<typeof NearestQuery>;

const MapPointProperties = Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.Union([Type.String(), Type.Null()]), gridCode: Type.String(), status: Type.Optional(Type.String({ description: 'devices: online or offline' })) });

/** Map layers carry no personal data: an id to open the record, a kind for the symbol, a name and the grid. */
export const PointCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  crs: Type.String(),
  truncated: Type.Boolean(),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.Integer(),
      geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
      properties: MapPointProperties,
    }),
  ),
});

export const NearestResult = Type.Object({
  items: Type.Array(Type.Object({ id: Type.Integer(), kind: Type.String(), name: Type.Union([Type.String(), Type.Null()]), gridCode: Type.String(), lng: Type.Number(), lat: Type.Number(), distanceMetres: Type.Number() })),
});

export const StatsQuery = Type.Object({
  level: StringEnum(['town', 'village', 'grid']),
  divisionCode: Type.Optional(DivisionCode),
});
export type StatsQuery = Static<typeof StatsQuery>;

export const StatsResult = Type.Object({
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      counts: Type.Object({ person: Type.Integer(), household: Type.Integer(), house: Type.Integer(), enterprise: Type.Integer(), place: Type.Integer(), device: Type.Integer() }),
    }),
  ),
});

export const RevealBody = Type.Object({ field: StringEnum(['idNumber', 'phone']) }, { additionalProperties: false });
export const RevealResult = Type.Object({ field: Type.String(), value: Type.Union([Type.String(), Type.Null()]) });

export const ImportQuery = Type.Object({
  mode: Type.Optional(StringEnum(['all-or-nothing', 'valid-rows'])),
  crs: Type.Optional(InputCrs),
  mapping: Type.Optional(Type.String({ maxLength: 10_000, description: 'JSON object: column header → field key, overriding the default mapping' })),
});
export type ImportQuery = Static<typeof ImportQuery>;

export const RowError = Type.Object({ row: Type.Integer(), column: Type.Union([Type.String(), Type.Null()]), field: Type.String(), code: Type.String(), message: Type.String() });

export const ImportReport = Type.Object({
  mode: Type.String(),
  rows: Type.Integer(),
  inserted: Type.Integer(),
  updated: Type.Integer(),
  rejected: Type.Integer(),
  errors: Type.Array(RowError),
  errorsTruncated: Type.Boolean(),
  ignoredColumns: Type.Array(Type.String()),
});
