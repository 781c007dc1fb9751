import { onBeforeUnmount, onMounted, ref } from 'vue';
import { i18n } from '../../i18n';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** A duration in its two largest units, e.g. "1小时20分" / "2天3小时" ("1 h 20 min" in English). */
export function formatDuration(ms: number): string {
  const { t } = i18n.global;
  const total = Math.max(Math.floor(Math.abs(ms) / minute), 1) * minute;
  const values = [Math.floor(total / day), Math.floor((total % day) / hour), Math.floor((total % hour) / minute)];
  const keys = ['events.time.days', 'events.time.hours', 'events.time.minutes'];
  const first = values.findIndex((value) => value > 0);
  return [first, first + 1]
    .filter((i) => i < values.length && values[i]! > 0)
    .map((i) => t(keys[i]!, { n: values[i]! }))
    .join(t('events.time.joiner'));
}

/** "剩余 1小时20分" before the deadline, "超时 2天" after it. */
export function formatRemaining(deadline: string, now: number): { overdue: boolean; text: string } {
  const left = Date.parse(deadline) - now;
  const overdue = left < 0;
  return { overdue, text: i18n.global.t(overdue ? 'events.time.overdue' : 'events.time.left', { time: formatDuration(left) }) };
}

/** The current time, refreshed every half minute so remaining times count down on screen. */
export function useNow(intervalMs = 30_000) {
  const now = ref(Date.now());
  let timer: ReturnType<typeof setInterval> | undefined;
  onMounted(() => (timer = setInterval(() => (now.value = Date.now()), intervalMs)));
  onBeforeUnmount(() => clearInterval(timer));
  return now;
}
