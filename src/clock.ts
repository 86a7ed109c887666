/** Time as the schedule sees it; tests pass a fake that simulates a day in milliseconds. */
export interface Clock {
  /** Wall-clock epoch milliseconds. */
  now(): number;
  /** Resolves after `ms`, or early (never rejecting) once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** A signal that aborts at epoch ms `at` by `clock`; `cancel()` releases its timer. */
export function deadlineSignal(clock: Clock, at: number): { signal: AbortSignal; cancel(): void } {
  const fire = new AbortController();
  const cancelled = new AbortController();
  void clock.sleep(at - clock.now(), cancelled.signal).then(() => {
    if (!cancelled.signal.aborted) {
      fire.abort(new DOMException("the cycle's deadline passed", "TimeoutError"));
    }
  });
  return { signal: fire.signal, cancel: () => cancelled.abort() };
}
