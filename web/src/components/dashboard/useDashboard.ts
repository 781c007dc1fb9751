import { onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import { useRouter } from 'vue-router';
import { dashboardApi, type DashboardEvent, type Snapshot } from '../../api/dashboard';
import { ApiError } from '../../api/http';
import { useSessionStore } from '../../stores/session';

/** The snapshot is read again at most this often however many events the stream announces. */
const snapshotEveryMs = 5000;
/** And at least this often: lights turn red and counters move with time alone. */
const idleRefreshMs = 60_000;
/** A burst of reports becomes one feed reload. */
const feedDebounceMs = 150;
/** How long a new report stays highlighted. */
const freshMs = 12_000;
/** After a failed read the screen tries again after this many seconds (and says so). */
export const retrySeconds = 5;
/** How many 小类 the category ranking shows. */
export const categoryTop = 8;
const feedLength = 20;

/**
 * The data of the dashboard for the chosen division: the snapshot, and the live feed fed by the
 * server's event stream (/api/stream). A report appears in the feed within moments (the stream says
 * "created", the newest events are read again); the counters follow at most every few seconds.
 */
export function useDashboard(code: Ref<string>, days: Ref<number>) {
  const snapshot = shallowRef<Snapshot | null>(null);
  const feed = shallowRef<DashboardEvent[]>([]);
  const fresh = ref<ReadonlySet<number>>(new Set());
  const status = ref<'loading' | 'ready' | 'failed'>('loading');
  const live = ref(false);
  const router = useRouter();
  const session = useSessionStore();

  let source: EventSource | undefined;
  let loadSerial = 0;
  let lastLoad = 0;
  let snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  let feedTimer: ReturnType<typeof setTimeout> | undefined;
  let idleTimer: ReturnType<typeof setInterval> | undefined;

  /** New events in `items` (not shown before) glow; a division's first list or a drill-down does not. */
  function showFeed(items: DashboardEvent[], highlight: boolean) {
    if (highlight) {
      const known = new Set(feed.value.map((e) => e.id));
      const added = items.filter((e) => !known.has(e.id)).map((e) => e.id);
      if (added.length) {
        fresh.value = new Set([...fresh.value, ...added]);
        setTimeout(() => (fresh.value = new Set([...fresh.value].filter((id) => !added.includes(id)))), freshMs);
      }
    }
    feed.value = items;
  }

  async function loadSnapshot(highlight = true) {
    clearTimeout(snapshotTimer);
    snapshotTimer = undefined;
    lastLoad = Date.now();
    const serial = ++loadSerial;
    const requested = code.value;
    try {
      const next = await dashboardApi.snapshot(requested, { days: days.value, top: categoryTop });
      // A drill-down or another refresh started meanwhile: its answer is the one to show.
      if (serial !== loadSerial) return;
      snapshot.value = next;
      showFeed(next.latest, highlight && feed.value.length > 0);
      status.value = 'ready';
    } catch (error) {
      if (serial !== loadSerial) return;
      // A wall screen outlives its session (12 hours at most): sign in again, then come back here.
      if (error instanceof ApiError && error.status === 401) {
        session.clear();
        void router.replace({ name: 'login', query: { redirect: router.currentRoute.value.fullPath } });
        return;
      }
      status.value = 'failed';
      snapshotTimer = setTimeout(() => void loadSnapshot(), retrySeconds * 1000);
    }
  }

  /** At most one snapshot per `snapshotEveryMs`: the first change reloads at once, a burst once more at the end. */
  function refreshSnapshotSoon() {
    if (snapshotTimer) return;
    snapshotTimer = setTimeout(() => void loadSnapshot(), Math.max(0, lastLoad + snapshotEveryMs - Date.now()));
  }

  function reloadFeedSoon() {
    clearTimeout(feedTimer);
    feedTimer = setTimeout(async () => {
      const requested = code.value;
      try {
        const { items } = await dashboardApi.feed(requested, feedLength);
        if (requested === code.value) showFeed(items, true);
      } catch {
        // The next snapshot brings the feed too.
      }
    }, feedDebounceMs);
  }

  watch([code, days], () => {
    feed.value = [];
    fresh.value = new Set();
    status.value = 'loading';
    void loadSnapshot(false);
  });

  onMounted(() => {
    void loadSnapshot(false);
    source = new EventSource('/api/stream', { withCredentials: true });
    source.onopen = () => (live.value = true);
    // EventSource reconnects by itself; the screen says so meanwhile.
    source.onerror = () => (live.value = false);
    source.addEventListener('event.created', () => {
      reloadFeedSoon();
      refreshSnapshotSoon();
    });
    source.addEventListener('event.changed', refreshSnapshotSoon);
    idleTimer = setInterval(refreshSnapshotSoon, idleRefreshMs);
  });

  onBeforeUnmount(() => {
    source?.close();
    clearTimeout(snapshotTimer);
    clearTimeout(feedTimer);
    clearInterval(idleTimer);
    loadSerial++;
  });

  return { snapshot, feed, fresh, status, live };
}
