import TileLayer from 'ol/layer/Tile';
import XYZ from 'ol/source/XYZ';

/**
 * The background under the outlines. The default is none: a plain colour, so the map works on an
 * isolated network and never reaches the internet unless someone configures tiles. The server has
 * no setting for this yet, so the choice is kept per browser.
 */
export type BasemapSetting = { kind: 'none' } | { kind: 'xyz'; url: string } | { kind: 'tianditu'; key: string };

const storageKey = 'gongzhi.map.basemap';

export function loadBasemap(): BasemapSetting {
  try {
    const value = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as BasemapSetting | null;
    if (value?.kind === 'xyz' && isTileUrl(value.url)) return value;
    if (value?.kind === 'tianditu' && value.key) return value;
  } catch {
    // A damaged setting falls back to no basemap.
  }
  return { kind: 'none' };
}

export function saveBasemap(setting: BasemapSetting) {
  localStorage.setItem(storageKey, JSON.stringify(setting));
}

/** An http(s) template with the {z}, {x} and {y} (or {-y}) placeholders ol's XYZ source fills in. */
export function isTileUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) && url.includes('{z}') && url.includes('{x}') && /\{-?y\}/.test(url);
}

/** Tianditu's web-mercator (`_w`) layers: vector map and its Chinese labels, CGCS2000 like our data, so nothing is shifted. */
function tianditu(layer: 'vec_w' | 'cva_w', key: string) {
  return new XYZ({
    url: `https://t{0-7}.tianditu.gov.cn/DataServer?T=${layer}&x={x}&y={y}&l={z}&tk=${encodeURIComponent(key)}`,
    attributions: '© 天地图 Tianditu',
    maxZoom: 18,
  });
}

export function basemapLayers(setting: BasemapSetting): TileLayer<XYZ>[] {
  switch (setting.kind) {
    case 'none':
      return [];
    case 'xyz':
      return [new TileLayer({ source: new XYZ({ url: setting.url }), zIndex: 0 })];
    case 'tianditu':
      return [new TileLayer({ source: tianditu('vec_w', setting.key), zIndex: 0 }), new TileLayer({ source: tianditu('cva_w', setting.key), zIndex: 0 })];
  }
}
