import { computed, reactive, watch } from 'vue';
import { registryApi } from '../../api/registry';
import { useSessionStore } from '../../stores/session';
import { layerGroups, type GroupId, type LayerGroup } from './catalog';
import { PointClusterSource, pointLayer, toMapPoints } from './pointLayer';

/** The server's cap on one within request. */
const pointLimit = 50_000;
const storageKey = 'gongzhi.map.layers';

export interface GroupState {
  status: 'loading' | 'ready' | 'failed';
  counts: Record<string, number>;
  total: number;
  truncated: boolean;
}

interface Settings {
  enabled: GroupId[];
  /** `group:kind` of kinds switched off. */
  hidden: string[];
  village: boolean;
  grid: boolean;
}

/** Key places and cameras first: few, and what a duty officer looks for; the denser layers on demand. */
const defaults: Settings = { enabled: ['places', 'cameras'], hidden: [], village: true, grid: true };

function loadSettings(): Settings {
  try {
    return { ...defaults, ...(JSON.parse(localStorage.getItem(storageKey) ?? '{}') as Partial<Settings>) };
  } catch {
    return { ...defaults };
  }
}

/**
 * One clustered layer per record group the person may read. Every group is fetched whole, once, when
 * the page opens: a town has at most tens of thousands of points (about 3.5 MB as JSON for the demo
 * town), the legend can count every kind, and panning never waits for the network.
 */
export function usePointLayers() {
  const session = useSessionStore();
  const groups = layerGroups.filter((g) => session.can(`registry:${g.entity}:read`));
  const settings = reactive(loadSettings());
  const states = reactive(Object.fromEntries(groups.map((g) => [g.id, { status: 'loading', counts: {}, total: 0, truncated: false } as GroupState])) as Record<GroupId, GroupState>);
  const sources = new Map(groups.map((g) => [g.id, new PointClusterSource()]));
  const layers = groups.map((g, i) => {
    const layer = pointLayer(g, sources.get(g.id)!);
    layer.setZIndex(10 + i);
    return layer;
  });

  const enabled = computed(() => new Set(settings.enabled));

  function apply() {
    for (const layer of layers) layer.setVisible(enabled.value.has(layer.get('group') as GroupId));
    for (const g of groups) sources.get(g.id)!.setHidden(settings.hidden.filter((h) => h.startsWith(`${g.id}:`)).map((h) => h.slice(g.id.length + 1)));
    localStorage.setItem(storageKey, JSON.stringify(settings));
  }
  watch(settings, apply, { deep: true, immediate: true });

  async function loadGroup(group: LayerGroup) {
    const state = states[group.id];
    state.status = 'loading';
    try {
      const collection = await registryApi.points(group.path, { type: group.type, limit: pointLimit });
      const points = toMapPoints(collection);
      const counts: Record<string, number> = {};
      for (const p of points) counts[p.kind] = (counts[p.kind] ?? 0) + 1;
      sources.get(group.id)!.setPoints(points);
      Object.assign(state, { status: 'ready', counts, total: points.length, truncated: collection.truncated });
    } catch {
      state.status = 'failed';
    }
  }

  function loadAll() {
    const order = [...groups].sort((a, b) => Number(enabled.value.has(b.id)) - Number(enabled.value.has(a.id)));
    return Promise.all(order.map(loadGroup));
  }

  function setGroup(id: GroupId, on: boolean) {
    settings.enabled = on ? [...new Set([...settings.enabled, id])] : settings.enabled.filter((g) => g !== id);
  }

  function setKind(id: GroupId, kind: string, on: boolean) {
    const key = `${id}:${kind}`;
    settings.hidden = on ? settings.hidden.filter((h) => h !== key) : [...new Set([...settings.hidden, key])];
    // Showing a kind of a switched-off group switches the group on.
    if (on) setGroup(id, true);
  }

  function setBoundary(level: 'village' | 'grid', on: boolean) {
    settings[level] = on;
  }

  return { groups, states, settings, layers, enabled, loadAll, loadGroup, setGroup, setKind, setBoundary };
}
