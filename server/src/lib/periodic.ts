import type { FastifyBaseLogger } from 'fastify';

export interface Periodic<Result> {
  /** One pass now (at `now` when a test moves the clock), or the one already running: two never overlap. */
  tick(now?: number): Promise<Result>;
  /** No more passes; waits for the one running. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` at start (or `firstAfterMs` later) and then every `intervalMs`; the timers do not keep the
 * process alive. A failed pass is logged as `failure` and the next interval simply tries again.
 */
export function runPeriodically<Result>(
  log: FastifyBaseLogger,
  failure: string,
  intervalMs: number,
  pass: (now?: number) => Promise<Result>,
  options: { firstAfterMs?: number } = {},
): Periodic<Result> {
  let running: Promise<Result> | null = null;
  const tick = (now?: number) => {
    running ??= pass(now).finally(() => (running = null));
    return running;
  };
  const logFailure = (error: unknown) => log.error({ err: error }, failure);
  const timer = setInterval(() => void tick().catch(logFailure), intervalMs);
  timer.unref();
  const first = options.firstAfterMs === undefined ? undefined : setTimeout(() => void tick().catch(logFailure), options.firstAfterMs);
  if (first) first.unref();
  else void tick().catch(logFailure);
  return {
    tick,
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running?.catch(() => undefined);
    },
  };
}
