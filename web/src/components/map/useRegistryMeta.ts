import { shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { registryApi, type DictionaryItem, type Entity, type FieldSpec, type RecordKindInfo } from '../../api/registry';
import type { LayerGroup } from './catalog';

const kinds = shallowRef<RecordKindInfo[]>([]);
const dictionaries = shallowRef<Record<string, DictionaryItem[]>>({});
let loading: Promise<void> | null = null;

/** Loaded once per page load: the kinds and their fields change only with a server upgrade. */
function load(): Promise<void> {
  loading ??= Promise.all([registryApi.kinds(), registryApi.dictionaries()]).then(
    ([k, d]) => {
      kinds.value = k;
      dictionaries.value = d;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/**
 * Labels of record kinds, fields and values as the server describes them (/api/registry/kinds and
 * the dictionaries), in the current language; raw values when a label is unknown.
 */
export function useRegistryMeta() {
  const { t, locale } = useI18n();
  const pick = (label: { zh: string; en: string }) => (locale.value === 'en' ? label.en : label.zh);

  const kind = (entity: Entity) => kinds.value.find((k) => k.entity === entity);
  const kindLabel = (entity: Entity) => {
    const info = kind(entity);
    return info ? pick(info.label) : entity;
  };
  const fields = (entity: Entity): FieldSpec[] => kind(entity)?.fields ?? [];
  const field = (entity: Entity, key: string) => fields(entity).find((f) => f.key === key);

  const fieldLabel = (spec: FieldSpec) => pick(spec);

  function dictionaryLabel(dictionary: string, value: string): string {
    const item = dictionaries.value[dictionary]?.find((i) => i.value === value);
    return item ? (locale.value === 'en' ? item.labelEn : item.labelZh) : value;
  }

  function optionLabel(spec: FieldSpec, value: string): string {
    if (spec.dictionary) return dictionaryLabel(spec.dictionary, value);
    const option = spec.options?.find((o) => o.value === value);
    return option ? pick(option) : value;
  }

  /** The kinds a layer group shows, in the server's order, with their labels. */
  function groupKinds(group: LayerGroup): { value: string; label: string }[] {
    const source = group.kinds;
    if ('messages' in source) return source.messages.map((value) => ({ value, label: t(`map.pointKinds.${value}`) }));
    if ('dictionary' in source) return (dictionaries.value[source.dictionary] ?? []).map((i) => ({ value: i.value, label: dictionaryLabel(source.dictionary, i.value) }));
    const spec = field(group.entity, source.field);
    return (spec?.options ?? []).map((o) => ({ value: o.value, label: pick(o) }));
  }

  /** A dictionary's values with their labels, in the server's order. */
  const dictionaryOptions = (dictionary: string) => (dictionaries.value[dictionary] ?? []).map((i) => ({ value: i.value, label: dictionaryLabel(dictionary, i.value) }));

  return { load, kind, kindLabel, fields, fieldLabel, optionLabel, dictionaryLabel, dictionaryOptions, groupKinds };
}
