import type { FastifyBaseLogger } from 'fastify';

export interface Periodic<Result> {
  /** One pass now (at `now` when a test moves the clock), or the one already running: two never overlap. */
  tick(now?: number): Promise<Result>;
  /** No more passes; waits for the one running. */
  stop(): Promise<void>;
}

/**
 * Runs `pass` once at start and then every `intervalMs` (the timer does not keep the process alive).
 * A failed pass is logged as `failure` and the next interval simply tries again.
 */
export function runPeriodically<Result>(log: FastifyBaseLogger, failure: string, intervalMs: number, pass: (now?: number) => Promise<Result>): Periodic<Result> {
  let running: Promise<Result> | null = null;
  const tick = (now?: number) => {
    running ??= pass(now).finally(() => (running = null));
    return running;
  };
  const logFailure = (error: unknown) => log.error({ err: error }, failure);
  const timer = setInterval(() => void tick().catch(logFailure), intervalMs);
  timer.unref();
  void tick().catch(logFailure);
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
