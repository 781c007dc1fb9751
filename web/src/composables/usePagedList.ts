import { reactive, ref, shallowRef, type UnwrapRef } from 'vue';
import type { Page } from '../api/http';

/**
 * State for a filtered, paginated list page. `applied` is what the table shows, so editing the
 * search form does not change what paging or exporting refers to until "Search" is pressed.
 */
export function usePagedList<T, F extends object>(fetchPage: (query: F & { page: number; pageSize: number }) => Promise<Page<T>>, emptyFilters: () => F) {
  const filters = reactive(emptyFilters());
  const applied = shallowRef<F>(emptyFilters());
  const items = shallowRef<T[]>([]);
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(20);
  const loading = ref(false);

  async function load() {
    loading.value = true;
    try {
      const result = await fetchPage({ ...applied.value, page: page.value, pageSize: pageSize.value });
      items.value = result.items;
      total.value = result.total;
    } catch {
      // The HTTP layer has already told the person what went wrong; keep the previous rows.
    } finally {
      loading.value = false;
    }
  }

  function search() {
    applied.value = { ...(filters as F) };
    page.value = 1;
    return load();
  }

  function reset() {
    Object.assign(filters, emptyFilters() as UnwrapRef<F>);
    return search();
  }

  return { filters, applied, items, total, page, pageSize, loading, load, search, reset };
}
