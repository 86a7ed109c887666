import { afterEach, describe, expect, test } from "bun:test";
import { Backlog } from "../src/backlog.ts";
import type { Datum } from "../src/datum.ts";
import { createLogger } from "../src/log.ts";
import { MIN_CYCLE_MS, type Pipeline, runCycle, runLoop } from "../src/run.ts";
import { nextBoundary } from "../src/schedule.ts";
import type { PublishOptions, Sink } from "../src/sinks/sink.ts";
import { FakeClock } from "./support/fake-clock.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.UTC(2026, 10, 29, 7, 14, 33, 250);

let clock: FakeClock;
afterEach(() => {
  clock?.dispose();
  delivered = [];
});

const datum = (timestamp: number): Datum => ({
  namespace: "NS",
  metricName: "M",
  value: 1,
  unit: "Count",
  timestamp,
  dimensions: [],
  storageResolution: 60,
});

function pipeline(sink: Sink, lines: string[] = []): Pipeline {
  const log = createLogger({
    format: "json",
    level: "debug",
    out: (l) => lines.push(l),
    err: (l) => lines.push(l),
  });
  return { source: async (t) => [datum(t)], sink, clock, log, backlog: new Backlog(1_000_000, log) };
}

interface Call {
  timestamp: number;
  start: number;
  end: number;
  deadline: number;
}

/** Timestamps of every datum a slowSink delivered. */
let delivered: number[] = [];

/** A sink that takes `duration(i)` simulated ms, or until its signal aborts. */
function slowSink(
  calls: Call[],
  duration: (i: number) => number,
  onCall?: () => void,
  onStart?: () => void,
): Sink {
  return {
    async publish(datums, o: PublishOptions) {
      const start = clock.now();
      const i = calls.length;
      const call = {
        timestamp: datums.at(-1)?.timestamp ?? Number.NaN,
        start,
        end: start,
        deadline: o.deadline,
      };
      calls.push(call);
      onStart?.();
      await clock.sleep(duration(i), o.signal);
      call.end = clock.now();
      onCall?.();
      const failed = o.signal.aborted;
      if (!failed) delivered.push(...datums.map((d) => d.timestamp));
      return {
        requests: 1,
        delivered: failed ? 0 : datums.length,
        failures: failed ? [{ datums, error: new Error("aborted") }] : [],
        rejected: [],
      };
    },
  };
}

describe("runLoop", () => {
  test("a simulated day with slow publishes: every boundary once, no overlap, each done by its deadline", async () => {
    clock = new FakeClock(START);
    const stop = new AbortController();
    const calls: Call[] = [];
    // Durations cycle through fast, slow, and longer than the interval (cut off at the deadline,
    // and then sent again with the next cycle: `timestamp` is the oldest datum of a call).
    const durations = [120, 45_000, 59_999, 90_000, 3_000];
    const sink = slowSink(
      calls,
      (i) => durations[i % durations.length] ?? 0,
      () => {
        if (clock.now() >= START + DAY) stop.abort();
      },
    );
    const cycles = await runLoop(pipeline(sink), {
      intervalMs: MINUTE,
      stop: stop.signal,
      abort: new AbortController().signal,
    });

    const first = nextBoundary(START, MINUTE);
    expect(calls[0]?.timestamp).toBe(START);
    const boundaries = calls.slice(1).map((c) => c.timestamp);
    expect(boundaries.length).toBeGreaterThanOrEqual(1440);
    boundaries.forEach((t, i) => {
      expect(t).toBe(first + i * MINUTE);
    });
    expect(cycles).toBe(calls.length);
    // A publish cut off at its deadline is sent again with the next cycle: nothing lost or doubled.
    expect(delivered).toEqual([START, ...boundaries]);
    for (const [i, c] of calls.entries()) {
      expect(c.end).toBeLessThanOrEqual(c.deadline); // retries end before the next boundary
      if (i > 0) expect(c.start).toBeGreaterThanOrEqual(calls[i - 1]?.end ?? 0); // never overlapping
      if (i > 0) expect(c.deadline).toBe(c.timestamp + MINUTE);
    }
  });

  test("the first cycle started just before a boundary still gets MIN_CYCLE_MS", async () => {
    const justBefore = Date.UTC(2026, 10, 29, 7, 14, 59, 900);
    clock = new FakeClock(justBefore);
    const calls: Call[] = [];
    const stop = new AbortController();
    await runLoop(
      pipeline(
        slowSink(
          calls,
          () => 1000,
          () => stop.abort(),
        ),
      ),
      { intervalMs: MINUTE, stop: stop.signal, abort: new AbortController().signal },
    );
    expect(calls[0]?.deadline).toBe(justBefore + MIN_CYCLE_MS);
    expect(calls[0]?.end).toBe(justBefore + 1000);
  });

  test("stop during a publish lets it finish and starts no new cycle", async () => {
    clock = new FakeClock(START);
    const stop = new AbortController();
    const calls: Call[] = [];
    const sink = slowSink(
      calls,
      () => 2_000,
      undefined,
      () => stop.abort(),
    );
    const loop = runLoop(pipeline(sink), {
      intervalMs: MINUTE,
      stop: stop.signal,
      abort: new AbortController().signal,
    });
    expect(await loop).toBe(1);
    expect(calls[0]?.end).toBe(START + 2_000);
  });

  test("abort cuts an in-flight publish short and the loop returns", async () => {
    clock = new FakeClock(START);
    const stop = new AbortController();
    const abort = new AbortController();
    const calls: Call[] = [];
    const lines: string[] = [];
    const sink = slowSink(
      calls,
      () => 50_000,
      undefined,
      () => {
        stop.abort();
        abort.abort();
      },
    );
    const loop = runLoop(pipeline(sink, lines), {
      intervalMs: MINUTE,
      stop: stop.signal,
      abort: abort.signal,
    });
    expect(await loop).toBe(1);
    expect(calls[0]?.end).toBe(START);
    expect(lines.some((l) => l.includes('"cycle failed"'))).toBe(true);
    expect(
      lines.some((l) => l.includes("undelivered datapoints lost at shutdown") && l.includes('"datums":1')),
    ).toBe(true);
  });
});

describe("runCycle", () => {
  test("reports the datums it could not deliver and logs the cycle as failed", async () => {
    clock = new FakeClock(START);
    const lines: string[] = [];
    const failing: Sink = {
      publish: async (datums) => ({
        requests: 1,
        delivered: 0,
        failures: [{ datums, error: new Error("503") }],
        rejected: [],
      }),
    };
    const p = pipeline(failing, lines);
    const result = await runCycle(p, START, START + MINUTE, new AbortController().signal);
    expect(result.undelivered).toBe(1);
    expect(p.backlog.size).toBe(1);
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(["cycle failed"]);
  });

  test("logs namespace, metric, value, unit, timestamp and duration on success", async () => {
    clock = new FakeClock(START);
    const lines: string[] = [];
    const ok: Sink = {
      publish: async (d) => ({ requests: 1, delivered: d.length, failures: [], rejected: [] }),
    };
    await runCycle(pipeline(ok, lines), START, START + MINUTE, new AbortController().signal);
    const line = JSON.parse(lines[0] ?? "{}");
    expect(line).toMatchObject({
      level: "info",
      msg: "published",
      namespace: "NS",
      metric: "M",
      value: 1,
      unit: "Count",
      timestamp: new Date(START).toISOString(),
      requests: 1,
      durationMs: 0,
    });
  });
});
