import type { Clock } from "./clock.ts";

/** The first interval boundary strictly after `t`, aligned to the epoch (so :00 for 60 s). */
export const nextBoundary = (t: number, intervalMs: number): number =>
  Math.floor(t / intervalMs) * intervalMs + intervalMs;

export interface ScheduleEvents {
  /** Boundaries passed while the process could not run (suspend, clock jump forward). */
  onSkipped?(count: number, from: number, to: number): void;
  /** The wall clock went back by more than an interval; the schedule re-anchored to it. */
  onClockBack?(by: number): void;
}

/**
 * The times to measure at: now, then every interval boundary by the wall clock, until `stop`
 * aborts. The consumer runs its cycle between yields, so cycles never overlap; a cycle that
 * ends after the next boundary is followed at once by that boundary, which is never skipped.
 * Only when a whole interval or more is lost (the host slept) are boundaries skipped, and then
 * reported. Sleeps are re-checked against the wall clock, so timer drift never accumulates.
 */
export async function* schedule(
  clock: Clock,
  intervalMs: number,
  stop: AbortSignal,
  events: ScheduleEvents = {},
): AsyncGenerator<number> {
  if (stop.aborted) return;
  const start = clock.now();
  yield start;
  let target = nextBoundary(start, intervalMs);
  while (!stop.aborted) {
    let now = clock.now();
    while (now < target) {
      if (target - now > intervalMs) {
        events.onClockBack?.(target - now - intervalMs);
        target = nextBoundary(now, intervalMs);
      }
      await clock.sleep(target - now, stop);
      if (stop.aborted) return;
      now = clock.now();
    }
    if (now - target >= intervalMs) {
      const latest = Math.floor(now / intervalMs) * intervalMs;
      events.onSkipped?.((latest - target) / intervalMs, target, latest - intervalMs);
      target = latest;
    }
    yield target;
    target += intervalMs;
  }
}
