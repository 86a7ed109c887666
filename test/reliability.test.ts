/**
 * Fault injection: the real pipeline (backlog, sink, SDK) against the fake endpoint, one cycle
 * after another with explicit timestamps — what the schedule would do, minus the waiting.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Backlog } from "../src/backlog.ts";
import { systemClock } from "../src/clock.ts";
import { createCloudWatch } from "../src/cloudwatch/client.ts";
import { createLogger } from "../src/log.ts";
import { type Pipeline, runCycle } from "../src/run.ts";
import { cloudWatchSink } from "../src/sinks/cloudwatch.ts";
import { nodeSpoolFiles, Spool } from "../src/spool.ts";
import { captureLogger } from "./support/capture.ts";
import { datum } from "./support/datums.ts";
import { FakeCloudWatch, type Fault, TEST_CREDENTIALS, TEST_REGION } from "./support/fake-cloudwatch.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
});

const MINUTE = 60_000;
/** Cycle i is measured at BASE + i minutes: in the past, well inside CloudWatch's window. */
const BASE = Math.floor(Date.now() / MINUTE) * MINUTE - 300 * MINUTE;
const at = (i: number) => BASE + i * MINUTE;

function pipeline(
  options: { retries?: number; attemptTimeoutMs?: number; spool?: Spool; max?: number } = {},
) {
  const { log, lines } = captureLogger();
  const cw = createCloudWatch({
    region: TEST_REGION,
    retries: options.retries ?? 0,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 2_000,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
  });
  const p: Pipeline = {
    source: async (t) => [datum({ timestamp: t, value: (t - BASE) / MINUTE })],
    sink: cloudWatchSink(cw.putMetricData, log, fake.url),
    clock: systemClock,
    log,
    backlog: new Backlog(options.max ?? 1_000_000, log),
    spool: options.spool,
  };
  return { p, lines };
}

const cycle = (p: Pipeline, i: number) =>
  runCycle(p, at(i), Date.now() + 10_000, new AbortController().signal);

/** Every timestamp accepted, in arrival order. */
const arrived = () => fake.accepted.map((a) => a.timestamp);
const range = (n: number) => Array.from({ length: n }, (_, i) => at(i));

describe("never lose a datapoint", () => {
  test("503 for 30 cycles, then healthy: all 35 arrive once each, original timestamps, in order", async () => {
    const { p } = pipeline();
    fake.setFault("unavailable");
    for (let i = 0; i < 30; i++) {
      const r = await cycle(p, i);
      expect(r.undelivered).toBe(i + 1);
    }
    fake.setFault(undefined);
    for (let i = 30; i < 35; i++) await cycle(p, i);
    expect(arrived()).toEqual(range(35));
    expect(p.backlog.size).toBe(0);
  });

  test("throttling on every other request for 100 cycles: 0 lost, 0 duplicated", async () => {
    const { p } = pipeline();
    fake.setPlan((n) => (n % 2 === 0 ? "throttle" : undefined));
    for (let i = 0; i < 100; i++) await cycle(p, i);
    fake.setPlan(undefined);
    await cycle(p, 100);
    expect(arrived()).toEqual(range(101));
    expect(fake.requests.filter((r) => r.error === "Throttling").length).toBeGreaterThanOrEqual(49);
  });

  test.each([
    ["connection refused", undefined],
    ["connection reset mid-request", "drop"],
    ["no answer (timeout)", "stall"],
    ["a malformed response body", "garbage"],
    ["HTTP 500", "internal"],
  ] as [string, Fault | undefined][])("%s for 5 cycles: 0 lost", async (_what, fault) => {
    const { p } = pipeline({ attemptTimeoutMs: 300 });
    if (fault) fake.setFault(fault);
    else fake.down();
    for (let i = 0; i < 5; i++) expect((await cycle(p, i)).undelivered).toBe(i + 1);
    if (fault) fake.setFault(undefined);
    else fake.start();
    await cycle(p, 5);
    expect(arrived()).toEqual(range(6));
  });

  test("one datum CloudWatch rejects (400) among a backlog of 200: only it is dropped", async () => {
    const { p, lines } = pipeline();
    fake.setFault("unavailable");
    for (let i = 0; i < 199; i++) await cycle(p, i);
    fake.setFault(undefined);
    fake.rejection = { match: (d) => d.Value === 77, nameMember: true };
    const r = await cycle(p, 199);
    expect(r).toMatchObject({ sent: 200, delivered: 199, rejected: 1, undelivered: 0 });
    expect(arrived()).toEqual(range(200).filter((t) => t !== at(77)));
    expect(
      lines.filter((l) => l.msg === "CloudWatch rejected a datapoint as invalid; it is dropped"),
    ).toEqual([
      expect.objectContaining({ value: 77, timestamp: new Date(at(77)).toISOString(), status: 400 }),
    ]);
  });

  test("buffer overflow during an outage: the exact count is dropped and logged, the newest kept", async () => {
    const { p, lines } = pipeline({ max: 10 });
    fake.setFault("unavailable");
    for (let i = 0; i < 25; i++) await cycle(p, i);
    fake.setFault(undefined);
    await cycle(p, 25);
    expect(arrived()).toEqual(range(26).slice(-10));
    const drops = lines.filter((l) => l.msg === "buffer full: dropped the oldest datapoints");
    expect(drops.reduce((n, l) => n + Number(l.dropped), 0)).toBe(16);
  });

  test("with a spool, a new process delivers what the old one could not", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwp-spool-"));
    const open = async () =>
      await Spool.open(
        dir,
        nodeSpoolFiles,
        createLogger({ format: "json", level: "error", out: () => {}, err: () => {} }),
        1000,
        Date.now,
      );
    const first = await open();
    const { p } = pipeline({ spool: first.spool });
    fake.setFault("unavailable");
    for (let i = 0; i < 4; i++) await cycle(p, i);
    // The process dies here (no shutdown code runs); a new one starts with the same spool.
    fake.setFault(undefined);
    const second = await open();
    expect(second.recovered.map((d) => d.timestamp)).toEqual(range(4));
    const next = pipeline({ spool: second.spool });
    next.p.backlog.add(second.recovered);
    await cycle(next.p, 4);
    expect(arrived()).toEqual(range(5));
    expect((await open()).recovered).toEqual([]);
  });
});
