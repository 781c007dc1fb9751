import type Feature from 'ol/Feature';
import type { Geometry } from 'ol/geom';
import GeoJSON from 'ol/format/GeoJSON';
import VectorLayer from 'ol/layer/Vector';
import VectorSource from 'ol/source/Vector';
import { createEmpty, extend, isEmpty, type Extent } from 'ol/extent';
import { Fill, Stroke, Style, Text } from 'ol/style';
import type { FeatureLike } from 'ol/Feature';
import type { BoundaryCollection, BoundaryLevel, BoundaryProperties } from '../../api/map';

export const boundaryLevels: BoundaryLevel[] = ['town', 'village', 'grid'];

// Resolutions (metres per pixel) below which something is drawn. Grids and their names appear
// everywhere only up close; those of the chosen village from further out.
const gridsEverywhere = 9;
const gridNames = 2.2;
const focusGridNames = gridNames * 3;
const villageNames = 45;

const format = new GeoJSON();
const labelFonts = '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';

/** The colours of the outlines: the map page draws ink on paper, the dark dashboard light lines on night blue. */
export interface BoundaryPalette {
  /** The town outline and the chosen or hovered area. */
  ink: string;
  /** The wide soft band under the town outline. */
  townHalo: string;
  /** The town's fill: a sheet that sets it off from what lies around it. */
  paper: string;
  village: string;
  grid: string;
  hoverFill: string;
  selectedFill: string;
  villageText: string;
  gridText: string;
  textHalo: string;
  /** Font size of the labels, in pixels. */
  labelSize: number;
}

export const paperPalette: BoundaryPalette = {
  ink: '#1f4e9c',
  townHalo: 'rgba(31, 78, 156, 0.16)',
  paper: 'rgba(255, 255, 255, 0.55)',
  village: '#6f87b3',
  grid: 'rgba(31, 78, 156, 0.45)',
  hoverFill: 'rgba(31, 78, 156, 0.09)',
  selectedFill: 'rgba(31, 78, 156, 0.05)',
  villageText: '#33435e',
  gridText: '#52627a',
  textHalo: 'rgba(255, 255, 255, 0.92)',
  labelSize: 12,
};

// Areas need a fill, however faint, to answer clicks and hovers anywhere inside them.
const clickable = new Fill({ color: 'rgba(255, 255, 255, 0.01)' });

/** The styles one palette draws with, made once per layer set. */
function stylesOf(p: BoundaryPalette) {
  const font = `${p.labelSize}px ${labelFonts}`;
  const hoverFill = new Fill({ color: p.hoverFill });
  const townLine = [new Style({ stroke: new Stroke({ color: p.townHalo, width: 9 }) }), new Style({ stroke: new Stroke({ color: p.ink, width: 2.4 }) })];
  return {
    hoverFill,
    selectedFill: new Fill({ color: p.selectedFill }),
    town: {
      paper: new Style({ fill: new Fill({ color: p.paper }) }),
      line: [new Style({ fill: clickable }), ...townLine],
      hovered: [new Style({ fill: hoverFill }), ...townLine],
    },
    villageLine: new Stroke({ color: p.village, width: 1.2 }),
    gridLine: new Stroke({ color: p.grid, width: 0.8, lineDash: [4, 3] }),
    strongLine: new Stroke({ color: p.ink, width: 2.2 }),
    label(text: string, size: 'village' | 'grid') {
      return new Text({
        text,
        font: size === 'village' ? `600 ${font}` : font,
        fill: new Fill({ color: size === 'village' ? p.villageText : p.gridText }),
        stroke: new Stroke({ color: p.textHalo, width: 3 }),
        overflow: size === 'village',
      });
    },
  };
}

/**
 * The town, village and unit-grid outlines: calm by default (the town outline strong, villages medium
 * with names, grids thin and dashed), the chosen area outlined and the area under the pointer tinted.
 */
export class BoundaryLayers {
  readonly sources: Record<BoundaryLevel, VectorSource<Feature<Geometry>>> = {
    town: new VectorSource(),
    village: new VectorSource(),
    grid: new VectorSource(),
  };
  private selected = '';
  private hovered = '';
  private readonly styles: ReturnType<typeof stylesOf>;
  private readonly layersByLevel: Record<BoundaryLevel, VectorLayer<VectorSource<Feature<Geometry>>>>;
  readonly layers: VectorLayer<VectorSource<Feature<Geometry>>>[];

  constructor(palette: BoundaryPalette = paperPalette) {
    this.styles = stylesOf(palette);
    const paper = new VectorLayer({ source: this.sources.town, style: this.styles.town.paper, zIndex: 1 });
    const grid = new VectorLayer({ source: this.sources.grid, style: (f, r) => this.gridStyle(f, r), zIndex: 2, declutter: 'grid' });
    const village = new VectorLayer({ source: this.sources.village, style: (f, r) => this.villageStyle(f, r), zIndex: 3, declutter: 'village' });
    const townLine = new VectorLayer({ source: this.sources.town, style: (f) => this.townStyle(f), zIndex: 4 });
    this.layersByLevel = { town: townLine, village, grid };
    this.layers = [paper, grid, village, townLine];
  }

  setData(level: BoundaryLevel, collection: BoundaryCollection) {
    const features = format.readFeatures(collection, { dataProjection: collection.crs, featureProjection: 'EPSG:3857' });
    this.sources[level].clear(true);
    this.sources[level].addFeatures(features);
  }

  count(level: BoundaryLevel): number {
    return this.sources[level].getFeatures().length;
  }

  /**
   * Outlines one level below `code`, in code order; when that level has none in the scope, the first
   * deeper level that has (a grid worker's grids under the town that holds them).
   */
  children(code: string): BoundaryProperties[] {
    const first = childLevel(code);
    if (!first) return [];
    for (const level of boundaryLevels.slice(boundaryLevels.indexOf(first))) {
      const found = this.sources[level]
        .getFeatures()
        .map((f) => f.getProperties() as BoundaryProperties)
        .filter((p) => p.code.startsWith(code))
        .sort((a, b) => a.code.localeCompare(b.code));
      if (found.length) return found;
    }
    return [];
  }

  /** The area's own outline, or (for a county, which has none) everything drawn inside it. */
  extentOf(code: string): Extent | null {
    const own = this.feature(code)?.getGeometry()?.getExtent();
    if (own) return own;
    for (const level of boundaryLevels) {
      const extent = createEmpty();
      for (const f of this.sources[level].getFeatures()) if ((f.get('code') as string).startsWith(code)) extend(extent, f.getGeometry()!.getExtent());
      if (!isEmpty(extent)) return extent;
    }
    return null;
  }

  setSelected(code: string) {
    this.selected = code;
    this.redraw();
  }

  setHovered(code: string) {
    if (code === this.hovered) return;
    this.hovered = code;
    this.redraw();
  }

  setShown(level: 'village' | 'grid', shown: boolean) {
    this.layersByLevel[level].setVisible(shown);
  }

  isBoundaryLayer(layer: unknown): boolean {
    return (Object.values(this.layersByLevel) as unknown[]).includes(layer);
  }

  private feature(code: string) {
    const level = levelOf(code);
    return level ? this.sources[level].getFeatureById(code) : null;
  }

  private redraw() {
    for (const layer of Object.values(this.layersByLevel)) layer.changed();
  }

  private townStyle(feature: FeatureLike) {
    const { town } = this.styles;
    return feature.get('code') === this.hovered ? town.hovered : town.line;
  }

  private villageStyle(feature: FeatureLike, resolution: number) {
    const code = feature.get('code') as string;
    const chosen = code === this.selected;
    const hovered = code === this.hovered;
    const { hoverFill, selectedFill, strongLine, villageLine, label } = this.styles;
    return new Style({
      fill: hovered ? hoverFill : chosen ? selectedFill : clickable,
      stroke: chosen || hovered ? strongLine : villageLine,
      // The village in focus is named by the breadcrumbs and the panel; its grids' names take its place.
      text: resolution < villageNames && !(code === this.selected.slice(0, 12) && resolution < focusGridNames) ? label(feature.get('name') as string, 'village') : undefined,
      zIndex: chosen || hovered ? 1 : 0,
    });
  }

  /** "薛家村第3网格" is drawn as "第3网格": the village is named on the map already, and short labels fit small grids. */
  private gridLabel(code: string, name: string): string {
    const village = this.sources.village.getFeatureById(code.slice(0, 12))?.get('name') as string | undefined;
    return village && name.startsWith(village) && name.length > village.length ? name.slice(village.length) : name;
  }

  private gridStyle(feature: FeatureLike, resolution: number) {
    const code = feature.get('code') as string;
    // Grids of the chosen village (or the chosen grid's village) are always drawn; others only up close.
    const inFocus = this.selected.length >= 12 && code.startsWith(this.selected.slice(0, 12));
    if (!inFocus && resolution >= gridsEverywhere) return undefined;
    const chosen = code === this.selected;
    const hovered = code === this.hovered;
    const { hoverFill, selectedFill, strongLine, gridLine, label } = this.styles;
    return new Style({
      fill: hovered ? hoverFill : chosen ? selectedFill : clickable,
      stroke: chosen || hovered ? strongLine : gridLine,
      text: resolution < gridNames || (inFocus && resolution < focusGridNames) ? label(this.gridLabel(code, feature.get('name') as string), 'grid') : undefined,
      zIndex: chosen || hovered ? 1 : 0,
    });
  }
}

/** Division codes: 6 digits county, 9 town, 12 village, 14 unit grid. */
export function levelOf(code: string): BoundaryLevel | null {
  return code.length === 9 ? 'town' : code.length === 12 ? 'village' : code.length === 14 ? 'grid' : null;
}

/** The smallest town, village or grid that holds every one of the codes ('' for none or no common town). */
export function commonArea(codes: readonly string[]): string {
  const [first] = codes;
  if (first === undefined) return '';
  const length = [14, 12, 9, 6].find((n) => codes.every((c) => c.length >= n && c.slice(0, n) === first.slice(0, n)));
  return length === undefined ? '' : first.slice(0, length);
}

export function childLevel(code: string): BoundaryLevel | null {
  return code.length === 6 ? 'town' : code.length === 9 ? 'village' : code.length === 12 ? 'grid' : null;
}
