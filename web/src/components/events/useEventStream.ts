import { onBeforeUnmount, onMounted } from 'vue';

/**
 * Calls `onChange` (at most once per `windowMs`, with the ids seen) when events in my scope are created or
 * change, from the server's live stream (/api/stream): a command center's queue must not wait for a
 * manual refresh. Other live messages (alarms) are listened to by naming their types.
 */
export function useEventStream(onChange: (ids: number[]) => void, windowMs = 1000, types: readonly string[] = ['event.created', 'event.changed']) {
  let source: EventSource | undefined;
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
    source = new EventSource('/api/stream', { withCredentials: true });
    for (const type of types) source.addEventListener(type, receive);
  });
  onBeforeUnmount(() => {
    source?.close();
    clearTimeout(timer);
  });
}
