import type { Entity } from '../../api/registry';

/** How a point is drawn; the legend draws the same shape (LegendSwatch.vue). */
export type Shape = 'circle' | 'square' | 'triangle' | 'diamond' | 'star';

export type GroupId = 'houses' | 'enterprises' | 'places' | 'cameras' | 'sensors';

/** Where the labels of a group's kinds come from: a field's options, a dictionary, or our own messages. */
export type KindSource = { field: string } | { dictionary: string } | { messages: string[] };

export interface LayerGroup {
  id: GroupId;
  entity: Entity;
  /** Registry URL segment. */
  path: string;
  /** The `type` filter of the within route (devices are split into cameras and sensors). */
  type?: string;
  kinds: KindSource;
  shape: Shape;
  /** Cluster colour. */
  color: string;
  /** Point colours by kind; kinds not listed (a dictionary may grow) take `color`. */
  colors: Record<string, string>;
  /** Kinds drawn with another shape (AI cameras stand out as stars). */
  shapes?: Record<string, Shape>;
}

/**
 * The record layers, bottom to top. People and households are not drawn: they live in houses, and a
 * house point is what a map of a town should show; they are found through search and the statistics.
 */
export const layerGroups: LayerGroup[] = [
  {
    id: 'houses',
    entity: 'house',
    path: 'houses',
    kinds: { field: 'useType' },
    shape: 'circle',
    color: '#6b7d99',
    colors: { residential: '#7d8fa9', rental: '#d19a1d', shop: '#e07b39', factory: '#8a6bbf', mixed: '#4f9d7a' },
  },
  {
    id: 'enterprises',
    entity: 'enterprise',
    path: 'enterprises',
    kinds: { field: 'kind' },
    shape: 'square',
    color: '#2f6fb0',
    colors: { company: '#2f6fb0', individual: '#2c9c9c', shop: '#e07b39' },
  },
  {
    id: 'cameras',
    entity: 'device',
    path: 'devices',
    type: 'camera',
    kinds: { messages: ['camera', 'camera_ai'] },
    shape: 'circle',
    color: '#3d5a80',
    colors: { camera: '#3d5a80', camera_ai: '#8e44ad' },
    shapes: { camera_ai: 'star' },
  },
  {
    id: 'sensors',
    entity: 'device',
    path: 'devices',
    type: 'sensor',
    kinds: { dictionary: 'sensor_kind' },
    shape: 'diamond',
    color: '#16887a',
    colors: {
      smoke: '#7f8c8d',
      combustible_gas: '#d35400',
      water_level: '#2471a3',
      manhole_cover: '#5d6d7e',
      electrical_fire: '#c0392b',
      hydrant_pressure: '#e74c3c',
      temperature_humidity: '#16a085',
      noise: '#8e44ad',
      air_quality: '#27ae60',
      structural_tilt: '#b9770e',
      door_magnet: '#34495e',
    },
  },
  {
    id: 'places',
    entity: 'place',
    path: 'places',
    kinds: { field: 'kind' },
    shape: 'triangle',
    color: '#c2571a',
    colors: {
      school: '#2e8b57',
      hospital: '#c0392b',
      nursing_home: '#b8860b',
      market: '#d35400',
      entertainment: '#8e44ad',
      boat: '#2471a3',
      amusement: '#16a085',
      other: '#7f8c8d',
    },
  },
];

export const groupById = new Map(layerGroups.map((g) => [g.id, g]));

export const kindColor = (group: LayerGroup, kind: string) => group.colors[kind] ?? group.color;
export const kindShape = (group: LayerGroup, kind: string) => group.shapes?.[kind] ?? group.shape;
