import { type Clock, deadlineSignal } from "./clock.ts";
import type { Datum } from "./datum.ts";
import type { Logger } from "./log.ts";
import { nextBoundary, schedule } from "./schedule.ts";
import type { Sink } from "./sinks/sink.ts";
import type { Source } from "./sources/source.ts";

/** A cycle that starts just before a boundary still gets this long (or one interval if shorter). */
export const MIN_CYCLE_MS = 5_000;

export interface Pipeline {
  readonly source: Source;
  readonly sink: Sink;
  readonly clock: Clock;
  readonly log: Logger;
  /** Called after every cycle (the health file). */
  readonly afterCycle?: (result: CycleResult, endedAt: number) => Promise<void>;
}

export interface CycleResult {
  readonly datums: number;
  readonly delivered: number;
  readonly requests: number;
  readonly lost: readonly Datum[];
}

const iso = (t: number) => new Date(t).toISOString();

function describe(datums: readonly Datum[]) {
  const [only] = datums;
  if (datums.length !== 1 || only === undefined) return { datums: datums.length };
  return {
    namespace: only.namespace,
    metric: only.metricName,
    value: only.value,
    unit: only.unit,
    ...(only.dimensions.length > 0
      ? { dimensions: Object.fromEntries(only.dimensions.map((d) => [d.name, d.value])) }
      : {}),
  };
}

/**
 * One cycle: measure at `timestamp`, publish, and be done by `deadline` (or when `abort` fires).
 * Never throws for a failed publish: the result says what was not delivered.
 */
export async function runCycle(
  p: Pipeline,
  timestamp: number,
  deadline: number,
  abort: AbortSignal,
): Promise<CycleResult> {
  const started = p.clock.now();
  const datums = await p.source(timestamp);
  const timer = deadlineSignal(p.clock, deadline);
  try {
    const signal = AbortSignal.any([abort, timer.signal]);
    const result = await p.sink.publish(datums, { signal, deadline });
    const lost = result.failures.flatMap((f) => f.datums);
    const fields = {
      ...describe(datums),
      timestamp: iso(timestamp),
      requests: result.requests,
      durationMs: p.clock.now() - started,
    };
    if (lost.length === 0) p.log.info("published", fields);
    else p.log.error("cycle failed", { ...fields, delivered: result.delivered, notDelivered: lost.length });
    const cycle = { datums: datums.length, delivered: result.delivered, requests: result.requests, lost };
    await p.afterCycle?.(cycle, p.clock.now());
    return cycle;
  } finally {
    timer.cancel();
  }
}

export interface LoopOptions {
  readonly intervalMs: number;
  /** Stops the schedule: no new cycle starts once it aborts. */
  readonly stop: AbortSignal;
  /** Aborts an in-flight publish (the shutdown grace period ran out). */
  readonly abort: AbortSignal;
}

/** The daemon: a cycle now, then one per boundary, until `stop`. Returns the cycles run. */
export async function runLoop(p: Pipeline, o: LoopOptions): Promise<number> {
  let cycles = 0;
  const ticks = schedule(p.clock, o.intervalMs, o.stop, {
    onSkipped: (count, from, to) =>
      p.log.warn("boundaries skipped: the process was not running (host suspended or clock jumped)", {
        skipped: count,
        from: iso(from),
        to: iso(to),
      }),
    onClockBack: (by) => p.log.warn("wall clock moved back; schedule re-aligned", { byMs: by }),
  });
  for await (const timestamp of ticks) {
    const deadline = Math.max(
      nextBoundary(timestamp, o.intervalMs),
      p.clock.now() + Math.min(o.intervalMs, MIN_CYCLE_MS),
    );
    await runCycle(p, timestamp, deadline, o.abort);
    cycles++;
  }
  return cycles;
}
