import { computed, ref } from 'vue';
import { eventsApi, queueNames, type QueueName } from '../../api/events';
import { useSessionStore } from '../../stores/session';
import { queuePermissions } from './workflow';

export interface QueueState {
  name: QueueName;
  /** null until loaded (or when loading failed): never a made-up number. */
  count: number | null;
  overdue: number | null;
}

/**
 * My work queues with how many events wait in each and how many of those are already late. Only the
 * queues my permissions act in are listed, in the order they fall due (受理 is due in minutes).
 */
export function useQueues() {
  const session = useSessionStore();
  const mine = queueNames.filter((name) => queuePermissions[name].some((code) => session.can(code)));
  const queues = ref<QueueState[]>(mine.map((name) => ({ name, count: null, overdue: null })));
  const loading = ref(false);

  async function load() {
    loading.value = true;
    try {
      // The counts come in one call; the late ones per queue (the server has no count for them yet).
      const [counts, overdue] = await Promise.all([
        eventsApi.queues(),
        Promise.all(mine.map((queue) => eventsApi.list({ queue, overdue: true, page: 1, pageSize: 1 }).then((page) => page.total))),
      ]);
      queues.value = mine.map((name, i) => ({ name, count: counts.find((c) => c.queue === name)?.count ?? 0, overdue: overdue[i] ?? 0 }));
    } catch {
      // Already reported by the HTTP layer; the cards keep their last numbers.
    } finally {
      loading.value = false;
    }
  }

  /** The queue to open first: the earliest-due one with late events, else the earliest-due non-empty one. */
  const mostUrgent = computed<QueueName | undefined>(
    () => (queues.value.find((q) => (q.overdue ?? 0) > 0) ?? queues.value.find((q) => (q.count ?? 0) > 0) ?? queues.value[0])?.name,
  );

  return { queues, loading, load, mostUrgent };
}
