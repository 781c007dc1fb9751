import { computed, shallowRef, type ShallowRef } from 'vue';
import type { CascaderOption } from 'element-plus';
import { eventConfigApi, type Category, type DictionaryItem } from '../../api/event-config';
import { divisionsApi, type Division } from '../../api/divisions';
import { organizationsApi, type Organization } from '../../api/organizations';
import { currentLocale, i18n } from '../../i18n';
import { useSessionStore } from '../../stores/session';
import { buildTree } from '../../utils/tree';

/**
 * Lists the event screens share (dictionaries, the category catalogue, divisions, units), loaded once
 * per signed-in user and page load: the queue, the detail page and the dialogs all read them, and
 * the queue is reopened many times a day. What a user may see depends on who they are, hence the key.
 */
const cache = new Map<string, ShallowRef<unknown>>();
let cacheUser: number | null = null;

function shared<T>(key: string, empty: T, load: () => Promise<T>): ShallowRef<T> {
  const user = useSessionStore().user?.id ?? null;
  if (user !== cacheUser) {
    cache.clear();
    cacheUser = user;
  }
  let entry = cache.get(key) as ShallowRef<T> | undefined;
  if (!entry) {
    const value = shallowRef(empty);
    entry = value;
    cache.set(key, value);
    load().then(
      (loaded) => (value.value = loaded),
      // Reported by the HTTP layer; forget the entry so the next screen tries again.
      () => cache.delete(key),
    );
  }
  return entry;
}

/** After the catalogue was edited, the next screen reads it afresh. */
export function forgetCategories() {
  cache.delete('categories');
}

export function useEventReference() {
  const session = useSessionStore();
  const dictionaries = shared<Record<string, DictionaryItem[]>>('dictionaries', {}, eventConfigApi.dictionaries);
  const categories = session.can('event:category:read')
    ? shared<Category[]>('categories', [], () => eventConfigApi.categories({ active: true, page: 1, pageSize: 500 }).then((r) => r.items))
    : shallowRef<Category[]>([]);
  const canReadDivisions = session.can('system:division:read');
  const divisions = canReadDivisions ? shared<Division[]>('divisions', [], divisionsApi.list) : shallowRef<Division[]>([]);

  const label = (item: DictionaryItem) => (currentLocale.value === 'en' ? item.labelEn : item.labelZh);
  const dictionary = (type: string) => computed(() => (dictionaries.value[type] ?? []).map((item) => ({ value: item.value, label: label(item), color: item.color })));
  const sources = dictionary('event_source');
  const urgencies = dictionary('urgency');

  const sourceLabel = (value: string) => sources.value.find((s) => s.value === value)?.label ?? value;
  const urgencyOf = (value: string) => urgencies.value.find((u) => u.value === value) ?? { value, label: value, color: null };

  const categoryName = (c: Pick<Category, 'minorName' | 'nameEn'>) => (currentLocale.value === 'en' && c.nameEn ? c.nameEn : c.minorName);
  /** 大类 → 小类, events before components (most reports are events); both kinds have a 市容环境. */
  const categoryOptions = computed<CascaderOption[]>(() => {
    const majors = new Map<string, CascaderOption>();
    const sorted = [...categories.value].sort((a, b) => (a.kind === b.kind ? a.code.localeCompare(b.code) : a.kind === 'event' ? -1 : 1));
    for (const c of sorted) {
      const key = `${c.kind}-${c.majorCode}`;
      const label = c.kind === 'component' ? i18n.global.t('events.intake.componentMajor', { name: c.majorName }) : c.majorName;
      if (!majors.has(key)) majors.set(key, { value: key, label, children: [] });
      majors.get(key)!.children!.push({ value: c.code, label: categoryName(c) });
    }
    return [...majors.values()];
  });
  const categoryByCode = computed(() => new Map(categories.value.map((c) => [c.code, c])));

  const villageTree = computed(() =>
    buildTree(
      divisions.value.filter((d) => d.level !== 'grid'),
      (d) => d.code,
      (d) => d.parentCode,
      (d) => d.name,
      (a, b) => a.sort - b.sort || a.code.localeCompare(b.code),
    ),
  );

  return { sources, urgencies, sourceLabel, urgencyOf, categoryOptions, categoryByCode, canReadDivisions, villageTree };
}

/** Units to dispatch to, within my scope (only read when the dispatch or co-handling dialog opens). */
export function useOrganizations() {
  const session = useSessionStore();
  const organizations = session.can('system:organization:read') ? shared<Organization[]>('organizations', [], organizationsApi.list) : shallowRef<Organization[]>([]);
  const tree = computed(() => buildTree(organizations.value, (o) => o.id, (o) => o.parentId, (o) => o.name, (a, b) => a.sort - b.sort));
  return { organizations, tree };
}
