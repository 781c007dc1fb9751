import Feature from 'ol/Feature';
import Point from 'ol/geom/Point';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { buffer, containsExtent, createEmpty, extend, getWidth, type Extent } from 'ol/extent';
import { Circle, Fill, RegularShape, Stroke, Style, Text } from 'ol/style';
import type ImageStyle from 'ol/style/Image';
import { fromLonLat } from 'ol/proj';
import type { PointCollection } from '../../api/registry';
import { kindColor, kindShape, type LayerGroup, type Shape } from './catalog';

/** One record on the map, in view coordinates (EPSG:3857). */
export interface MapPoint {
  id: number;
  kind: string;
  name: string | null;
  /** Devices: offline ones are drawn grey, ringed in their kind's colour. */
  offline?: boolean;
  x: number;
  y: number;
}

export function toMapPoints(collection: PointCollection): MapPoint[] {
  return collection.features.map((f) => {
    const [x, y] = fromLonLat(f.geometry.coordinates);
    return { id: f.id, kind: f.properties.kind, name: f.properties.name, offline: f.properties.status === 'offline', x: x!, y: y! };
  });
}

/** What a drawn feature stands for: one point, or a cluster with the box around its members. */
export interface ClusterInfo {
  members: MapPoint[];
  extent: Extent;
}

/** Cluster cell size in pixels. */
const cellPixels = 64;

/**
 * Clusters a layer's points on a pixel grid, for the area around the view only. The points stay plain
 * objects and ol features are made just for the clusters near the viewport. Measured with 50,000 points
 * in headless Chromium: 10–50 ms per zoom, none while panning inside the covered area; ol/source/Cluster
 * (a spatial query per point and a feature per cluster over the whole layer) took 110–390 ms per zoom,
 * plus 0.6–1 s to index the points, and made every zoom stutter.
 */
export class PointClusterSource extends VectorSource<Feature<Point>> {
  private points: MapPoint[] = [];
  private hidden = new Set<string>();
  private resolution = Number.NaN;
  /** The area clustered last time (the view plus a margin): panning inside it needs no work. */
  private covered: Extent | null = null;

  setPoints(points: MapPoint[]) {
    this.points = points;
    this.invalidate();
  }

  setHidden(kinds: Iterable<string>) {
    this.hidden = new Set(kinds);
    this.invalidate();
  }

  private invalidate() {
    this.covered = null;
    this.changed();
  }

  /** Called by the renderer before it draws; the same hook ol/source/Cluster uses. */
  override loadFeatures(extent: Extent, resolution: number) {
    if (resolution === this.resolution && this.covered && containsExtent(this.covered, extent)) return;
    this.resolution = resolution;
    this.covered = buffer(extent, getWidth(extent) / 2);
    this.recluster(this.covered, cellPixels * resolution);
  }

  private recluster(area: Extent, size: number) {
    const [minX, minY, maxX, maxY] = area as [number, number, number, number];
    const cells = new Map<number, { sx: number; sy: number; members: MapPoint[]; extent: Extent }>();
    for (const p of this.points) {
      if (p.x < minX || p.x > maxX || p.y < minY || p.y > maxY || this.hidden.has(p.kind)) continue;
      // Cells are aligned to the map origin, so a cluster does not change while the view pans.
      const key = Math.floor(p.x / size) * 2 ** 24 + Math.floor(p.y / size) + 2 ** 23;
      let cell = cells.get(key);
      if (!cell) {
        cell = { sx: 0, sy: 0, members: [], extent: createEmpty() };
        cells.set(key, cell);
      }
      cell.sx += p.x;
      cell.sy += p.y;
      cell.members.push(p);
      extend(cell.extent, [p.x, p.y, p.x, p.y]);
    }
    const features: Feature<Point>[] = [];
    for (const cell of cells.values()) {
      const n = cell.members.length;
      const feature = new Feature(new Point(n === 1 ? [cell.sx, cell.sy] : [cell.sx / n, cell.sy / n]));
      feature.set('cluster', { members: cell.members, extent: cell.extent } satisfies ClusterInfo, true);
      features.push(feature);
    }
    this.clear(true);
    this.addFeatures(features);
  }
}

const white = new Stroke({ color: '#ffffff', width: 1.5 });
export const offlineColor = '#b4bcc8';

function symbol(shape: Shape, color: string, offline = false): ImageStyle {
  const fill = new Fill({ color: offline ? offlineColor : color });
  const stroke = offline ? new Stroke({ color, width: 2 }) : white;
  switch (shape) {
    case 'circle':
      return new Circle({ radius: 4.5, fill, stroke });
    case 'square':
      return new RegularShape({ points: 4, radius: 6, angle: Math.PI / 4, fill, stroke });
    case 'diamond':
      return new RegularShape({ points: 4, radius: 6, fill, stroke });
    case 'triangle':
      return new RegularShape({ points: 3, radius: 7.5, fill, stroke });
    case 'star':
      return new RegularShape({ points: 5, radius: 8, radius2: 3.8, fill, stroke });
  }
}

function countLabel(n: number): string {
  return n < 10_000 ? String(n) : `${Math.floor(n / 1000)}k`;
}

/** Styles are cached: a style function runs for every feature on every frame. */
export function pointLayer(group: LayerGroup, source: PointClusterSource): VectorLayer<PointClusterSource> {
  const singles = new Map<string, Style>();
  const clusters = new Map<number, Style[]>();
  const single = (point: MapPoint) => {
    const key = point.offline ? `${point.kind}:offline` : point.kind;
    let style = singles.get(key);
    if (!style) {
      style = new Style({ image: symbol(kindShape(group, point.kind), kindColor(group, point.kind), point.offline) });
      singles.set(key, style);
    }
    return style;
  };
  const cluster = (n: number) => {
    let styles = clusters.get(n);
    if (!styles) {
      const radius = Math.min(20, 8 + Math.log2(n) * 1.4);
      // Light discs with a coloured ring: dozens of clusters stay readable without darkening the map.
      styles = [
        new Style({ image: new Circle({ radius: radius + 3, fill: new Fill({ color: `${group.color}26` }) }) }),
        new Style({
          image: new Circle({ radius, fill: new Fill({ color: 'rgba(255, 255, 255, 0.94)' }), stroke: new Stroke({ color: group.color, width: 2 }) }),
          text: new Text({ text: countLabel(n), font: '600 11px sans-serif', fill: new Fill({ color: group.color }) }),
        }),
      ];
      clusters.set(n, styles);
    }
    return styles;
  };
  return new VectorLayer({
    source,
    properties: { group: group.id },
    style: (feature) => {
      const { members } = feature.get('cluster') as ClusterInfo;
      return members.length === 1 ? single(members[0]!) : cluster(members.length);
    },
  });
}

/** The ring around the record whose card is open. */
export function selectionLayer(): VectorLayer<VectorSource<Feature<Point>>> {
  return new VectorLayer({
    source: new VectorSource(),
    zIndex: 20,
    style: [
      new Style({ image: new Circle({ radius: 14, fill: new Fill({ color: 'rgba(245, 108, 108, 0.18)' }), stroke: new Stroke({ color: '#e0493d', width: 2.5 }) }) }),
      new Style({ image: new Circle({ radius: 3, fill: new Fill({ color: '#e0493d' }) }) }),
    ],
  });
}
