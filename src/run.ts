import type { Backlog } from "./backlog.ts";
import { type Clock, deadlineSignal } from "./clock.ts";
import type { Datum } from "./datum.ts";
import type { Logger } from "./log.ts";
import { nextBoundary, schedule } from "./schedule.ts";
import type { Sink } from "./sinks/sink.ts";
import type { Source } from "./sources/source.ts";
import type { Spool } from "./spool.ts";

/** A cycle that starts just before a boundary still gets this long (or one interval if shorter). */
export const MIN_CYCLE_MS = 5_000;
/** On SIGTERM, what is still undelivered gets one more attempt of at most this long. */
export const FINAL_ATTEMPT_MS = 3_000;

export interface Pipeline {
  readonly source: Source;
  readonly sink: Sink;
  readonly clock: Clock;
  readonly log: Logger;
  /** Undelivered datums, sent again with every cycle until CloudWatch accepts them. */
  readonly backlog: Backlog;
  /** Keeps the backlog on disk, when PUBLISH_SPOOL_DIR is set. */
  readonly spool?: Spool | undefined;
  /** Called after every cycle (the health file). */
  readonly afterCycle?: (result: CycleResult, endedAt: number) => Promise<void>;
}

export interface CycleResult {
  /** Measured this cycle. */
  readonly datums: number;
  /** Sent this cycle: the backlog and the new datums. */
  readonly sent: number;
  readonly delivered: number;
  readonly requests: number;
  /** Not delivered; back in the backlog. */
  readonly undelivered: number;
  /** Refused by CloudWatch as invalid and dropped. */
  readonly rejected: number;
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

/** Sends the backlog by `deadline` and puts back what was not delivered. */
async function deliver(p: Pipeline, deadline: number, abort: AbortSignal) {
  const pending = p.backlog.take(p.clock.now());
  // Written before sending: a crash in between loses nothing (it may send twice).
  await p.spool?.save(pending);
  const timer = deadlineSignal(p.clock, deadline);
  try {
    const signal = AbortSignal.any([abort, timer.signal]);
    const result = await p.sink.publish(pending, { signal, deadline });
    const undelivered = result.failures.flatMap((f) => f.datums);
    p.backlog.putBack(undelivered);
    await p.spool?.save(p.backlog.snapshot());
    return { pending, result, undelivered };
  } finally {
    timer.cancel();
  }
}

/**
 * One cycle: measure at `timestamp`, then send the backlog with the new datums, done by
 * `deadline` (or when `abort` fires). Never throws for a failed publish: what was not delivered
 * stays in the backlog for the next cycle.
 */
export async function runCycle(
  p: Pipeline,
  timestamp: number,
  deadline: number,
  abort: AbortSignal,
): Promise<CycleResult> {
  const started = p.clock.now();
  const measured = await p.source(timestamp);
  p.backlog.add(measured);
  const { pending, result, undelivered } = await deliver(p, deadline, abort);
  const fields = {
    ...describe(measured),
    timestamp: iso(timestamp),
    ...(pending.length > measured.length ? { sent: pending.length } : {}),
    requests: result.requests,
    durationMs: p.clock.now() - started,
  };
  if (undelivered.length === 0) p.log.info("published", fields);
  else {
    p.log.error("cycle failed", {
      ...fields,
      delivered: result.delivered,
      buffered: p.backlog.size,
    });
  }
  const cycle: CycleResult = {
    datums: measured.length,
    sent: pending.length,
    delivered: result.delivered,
    requests: result.requests,
    undelivered: undelivered.length,
    rejected: result.rejected.length,
  };
  await p.afterCycle?.(cycle, p.clock.now());
  return cycle;
}

/**
 * At shutdown: one last attempt (at most FINAL_ATTEMPT_MS) for what is still undelivered; then
 * it stays in the spool, or is reported as lost, datum by datum in one line.
 */
export async function finish(p: Pipeline, abort: AbortSignal, attempt = true): Promise<void> {
  if (attempt && p.backlog.size > 0 && !abort.aborted) {
    p.log.info("final attempt for undelivered datapoints", { buffered: p.backlog.size });
    await deliver(p, p.clock.now() + FINAL_ATTEMPT_MS, abort);
  }
  const left = p.backlog.snapshot();
  if (left.length === 0) return;
  const range = { from: iso(left[0]?.timestamp ?? 0), to: iso(left.at(-1)?.timestamp ?? 0) };
  if (p.spool) {
    await p.spool.save(left);
    p.log.warn("undelivered datapoints kept in the spool for the next start", {
      datums: left.length,
      ...range,
    });
  } else {
    const metrics = [...new Set(left.map((d) => `${d.namespace}/${d.metricName}`))];
    p.log.error("undelivered datapoints lost at shutdown (set PUBLISH_SPOOL_DIR to keep them)", {
      datums: left.length,
      ...range,
      metrics,
    });
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
  await finish(p, o.abort);
  return cycles;
}
