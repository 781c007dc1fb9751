/**
 * One connection to the server's live stream (/api/stream) per tab, shared by every listener: the
 * event queues, the event page and the notice bell. Opened with the first listener, closed with the last.
 */
let source: EventSource | null = null;
let listeners = 0;

export function listenLive(type: string, handler: (message: MessageEvent<string>) => void): () => void {
  source ??= new EventSource('/api/stream', { withCredentials: true });
  const current = source;
  listeners++;
  current.addEventListener(type, handler);
  return () => {
    current.removeEventListener(type, handler);
    if (--listeners === 0) {
      current.close();
      if (source === current) source = null;
    }
  };
}
