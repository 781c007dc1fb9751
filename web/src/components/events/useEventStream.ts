import { onBeforeUnmount, onMounted } from 'vue';
import { listenLive } from '../../api/live-stream';

/**
 * Calls `onChange` (at most once per `windowMs`, with the ids seen) when events in my scope are created or
 * change, from the server's live stream (/api/stream): a command center's queue must not wait for a
 * manual refresh. Other live messages (alarms) are listened to by naming their types.
 */
export function useEventStream(onChange: (ids: number[]) => void, windowMs = 1000, types: readonly string[] = ['event.created', 'event.changed']) {
  let stop: (() => void)[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: number[] = [];

  function receive(message: MessageEvent<string>) {
    try {
      pending.push((JSON.parse(message.data) as { id: number }).id);
    } catch {
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      const batch = pending;
      pending = [];
      timer = undefined;
      onChange(batch);
    }, windowMs);
  }

  onMounted(() => {
    stop = types.map((type) => listenLive(type, receive));
  });
  onBeforeUnmount(() => {
    for (const unlisten of stop) unlisten();
    clearTimeout(timer);
  });
}
