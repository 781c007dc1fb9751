import { Type, type Static } from 'typebox';
import { InputCrs, PointInput, storedCrs } from '../../gis/coordinates.ts';
import { Page, PageQuery, StringEnum } from '../../http/pagination.ts';

const divisionCodePattern = '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$';
const DivisionCode = Type.String({ pattern: divisionCodePattern });
const UnitGridCode = Type.String({ pattern: '^[0-9]{14}$' });
const Crs = Type.Literal(storedCrs, { description: 'Coordinates are WGS84/CGCS2000 longitude/latitude' });
const Level = StringEnum(['town', 'village', 'grid']);
const Reason = Type.String({ minLength: 1, maxLength: 200, description: 'Why the boundary changes (kept in the boundary history)' });

/** GeoJSON Polygon or MultiPolygon: the structure is checked in depth by gis/polygon.ts, with a report. */
const GeometryInput = Type.Object({ type: StringEnum(['Polygon', 'MultiPolygon']), coordinates: Type.Array(Type.Unknown(), { minItems: 1 }) });
const GeometryView = Type.Unknown({ description: 'GeoJSON Polygon or MultiPolygon, EPSG:4326' });

export const CodeParams = Type.Object({ code: DivisionCode });

export const BoundaryQuery = Type.Object({
  level: Level,
  parentCode: Type.Optional(Type.String({ pattern: divisionCodePattern, description: 'Only outlines inside this division' })),
  bbox: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat (WGS84): only outlines touching this box' })),
});
export type BoundaryQuery = Static<typeof BoundaryQuery>;

export const BoundaryCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  crs: Crs,
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: GeometryView,
      properties: Type.Object({ code: Type.String(), name: Type.String(), level: Level, parentCode: Type.Union([Type.String(), Type.Null()]), areaM2: Type.Number(), updatedAt: Type.String() }),
    }),
  ),
});

export const UpdateBoundaryBody = Type.Object({ geometry: GeometryInput, crs: Type.Optional(InputCrs), reason: Reason }, { additionalProperties: false });
export type UpdateBoundaryBody = Static<typeof UpdateBoundaryBody>;

export const ImportQuery = Type.Object({
  reason: Reason,
  codeProperty: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'The feature property holding the division code (default "code")' })),
  crs: Type.Optional(InputCrs),
});
export type ImportQuery = Static<typeof ImportQuery>;

export const ShapeSummary = Type.Object({ code: Type.String(), name: Type.String(), level: Level, areaM2: Type.Number(), change: StringEnum(['created', 'updated']) });
export type ShapeSummary = Static<typeof ShapeSummary>;
export const ImportResult = Type.Object({ imported: Type.Integer(), features: Type.Array(ShapeSummary) });

const UserRef = Type.Union([Type.Object({ id: Type.Integer(), username: Type.String(), displayName: Type.String() }), Type.Null()]);
export const ResponsibilityGridView = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  villageCode: Type.String(),
  villageName: Type.String(),
  primaryUser: UserRef,
  backupUser: UserRef,
  unitGridCodes: Type.Array(Type.String()),
  updatedAt: Type.String(),
});
export type ResponsibilityGridView = Static<typeof ResponsibilityGridView>;

export const ResponsibilityGridQuery = Type.Intersect([
  PageQuery,
  Type.Object({ villageCode: Type.Optional(DivisionCode), unitGridCode: Type.Optional(UnitGridCode) }),
]);
export type ResponsibilityGridQuery = Static<typeof ResponsibilityGridQuery>;

const Workers = {
  primaryUserId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'The grid worker on the primary post (主岗)' }),
  backupUserId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'The backup (备岗)' }),
};
const UnitGridCodes = Type.Array(UnitGridCode, { minItems: 1, maxItems: 50, uniqueItems: true });
export const CreateResponsibilityGridBody = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
    name: Type.String({ minLength: 1, maxLength: 64 }),
    villageCode: Type.String({ pattern: '^[0-9]{12}$' }),
    ...Workers,
    unitGridCodes: UnitGridCodes,
  },
  { additionalProperties: false },
);
export type CreateResponsibilityGridBody = Static<typeof CreateResponsibilityGridBody>;

export const UpdateResponsibilityGridBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    primaryUserId: Type.Optional(Workers.primaryUserId),
    backupUserId: Type.Optional(Workers.backupUserId),
    unitGridCodes: Type.Optional(UnitGridCodes),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateResponsibilityGridBody = Static<typeof UpdateResponsibilityGridBody>;

export const LocateQuery = PointInput;
export const LocateView = Type.Object({
  unitGridCode: Type.String(),
  unitGridName: Type.String(),
  villageCode: Type.String(),
  villageName: Type.String(),
  responsibilityGrid: Type.Union([ResponsibilityGridView, Type.Null()]),
  lng: Type.Number({ description: 'The point converted to WGS84' }),
  lat: Type.Number(),
  crs: Crs,
});

export const HistoryQuery = Type.Intersect([PageQuery, Type.Object({ code: Type.Optional(Type.String({ pattern: divisionCodePattern, description: 'Only this division and the outlines inside it' })) })]);
export type HistoryQuery = Static<typeof HistoryQuery>;
export const HistoryPage = Page(
  Type.Object({
    id: Type.Integer(),
    divisionCode: Type.String(),
    divisionName: Type.String(),
    level: Type.String(),
    oldGeometry: Type.Unknown({ description: 'The outline before the change (GeoJSON, EPSG:4326); null when it was first drawn' }),
    newGeometry: GeometryView,
    changedBy: Type.Union([Type.Integer(), Type.Null()]),
    changedByName: Type.String(),
    changedAt: Type.String(),
    source: StringEnum(['seed', 'import', 'edit']),
    reason: Type.String(),
    crs: Crs,
  }),
);
