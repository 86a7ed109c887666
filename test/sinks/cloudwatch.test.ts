/** The CloudWatch sink with the real SDK (signing, retries, gzip) against the fake endpoint. */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { type CloudWatchOptions, createCloudWatch } from "../../src/cloudwatch/client.ts";
import { cloudWatchSink } from "../../src/sinks/cloudwatch.ts";
import { captureLogger } from "../support/capture.ts";
import { datum, hugeDatum } from "../support/datums.ts";
import { FakeCloudWatch, TEST_CREDENTIALS, TEST_REGION } from "../support/fake-cloudwatch.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());

let lines: Record<string, unknown>[] = [];
beforeEach(() => {
  fake.reset();
  lines = [];
});

function sink(over: Partial<CloudWatchOptions> = {}) {
  const captured = captureLogger();
  const log = captured.log;
  lines = captured.lines;
  const cw = createCloudWatch({
    region: TEST_REGION,
    retries: 3,
    attemptTimeoutMs: 1_000,
    endpoint: fake.url,
    credentials: TEST_CREDENTIALS,
    onRetry: (e) => log.warn("retrying", { attempt: e.attempt, reason: e.errorType }),
    ...over,
  });
  return cloudWatchSink(cw.putMetricData, log, fake.url);
}

const opts = (ms = 10_000) => ({ signal: new AbortController().signal, deadline: Date.now() + ms });

describe("cloudWatchSink against the fake endpoint", () => {
  test("delivers exactly the datum, signed, with its timestamp, unit and dimensions", async () => {
    const t = Date.UTC(2026, 10, 29, 7, 15, 0);
    const d = datum({ timestamp: Date.now() - 60_000, value: 42.5, unit: "Percent", storageResolution: 1 });
    const withDims = {
      ...d,
      timestamp: Math.max(t, Date.now() - 60_000),
      dimensions: [{ name: "Host", value: "a" }],
    };
    const result = await sink().publish([withDims], opts());
    expect(result).toEqual({ requests: 1, delivered: 1, failures: [], rejected: [] });
    expect(fake.accepted).toHaveLength(1);
    expect(fake.accepted[0]).toMatchObject({
      namespace: "Test/NS",
      metricName: "Metric",
      value: 42.5,
      unit: "Percent",
      timestamp: withDims.timestamp,
      dimensions: [{ Name: "Host", Value: "a" }],
      storageResolution: 1,
    });
    expect(fake.requests[0]).toMatchObject({ protocol: "json", status: 200 });
    const accepted = lines.find((l) => l.msg === "request accepted");
    expect(accepted?.requestId).toBe(fake.accepted[0]?.requestId);
  });

  test.each(["unavailable", "internal", "throttle", "drop", "stall"] as const)(
    "retries after %s and delivers once",
    async (fault) => {
      fake.failNext(2, fault);
      const result = await sink().publish([datum()], opts());
      expect(result.delivered).toBe(1);
      expect(fake.accepted).toHaveLength(1);
      expect(fake.requests).toHaveLength(3);
      expect(lines.filter((l) => l.msg === "retrying").map((l) => l.attempt)).toEqual([2, 3]);
    },
  );

  test("a 400 validation error is not retried: the datum is dropped and logged with CloudWatch's message", async () => {
    fake.failNext(1, "invalid");
    const result = await sink().publish([datum()], opts());
    expect(result).toMatchObject({ delivered: 0, failures: [], requests: 1 });
    expect(result.rejected).toHaveLength(1);
    expect(fake.requests).toHaveLength(1);
    expect(
      lines.find((l) => l.msg === "CloudWatch rejected a datapoint as invalid; it is dropped"),
    ).toMatchObject({
      level: "error",
      status: 400,
      message: "The fake endpoint was told to reject this request.",
    });
  });

  test.each([
    ["named in the error", true],
    ["not named (found by halves)", false],
  ])("one bad datum among 500, %s, is dropped; the other 499 are delivered", async (_how, nameMember) => {
    fake.rejection = { match: (d) => d.Value === 313, nameMember };
    try {
      const datums = Array.from({ length: 500 }, (_, i) => datum({ value: i }));
      const result = await sink().publish(datums, opts(30_000));
      expect(result.rejected.map((r) => r.datum.value)).toEqual([313]);
      expect(result.failures).toEqual([]);
      expect(fake.accepted.map((a) => a.value)).toEqual(datums.map((d) => d.value).filter((v) => v !== 313));
      if (!nameMember) expect(result.requests).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(500)) + 1);
    } finally {
      fake.rejection = undefined;
    }
  });

  test("a wrong secret key is refused by the fake's SigV4 check and not retried", async () => {
    const result = await sink({
      credentials: { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: "wrong" },
    }).publish([datum()], opts());
    expect(result.delivered).toBe(0);
    expect(fake.requests.map((r) => [r.status, r.error])).toEqual([[403, "SignatureDoesNotMatch"]]);
    expect(JSON.stringify(lines)).not.toContain('wrong"');
  });

  test("gives up after PUBLISH_RETRIES retries", async () => {
    fake.setFault("unavailable");
    const result = await sink({ retries: 2 }).publish([datum()], opts());
    expect(result.failures).toHaveLength(1);
    expect(fake.requests).toHaveLength(3);
  });

  test("stops retrying when the deadline is near, and aborts an attempt at the deadline", async () => {
    fake.setFault("stall");
    const started = Date.now();
    const signal = AbortSignal.timeout(800);
    const result = await sink({ attemptTimeoutMs: 5_000 }).publish([datum()], {
      signal,
      deadline: started + 800,
    });
    expect(result.failures).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(fake.requests).toHaveLength(1);
  });

  test("10,000 datums go out in 10 gzipped requests, all accepted", async () => {
    const now = Date.now();
    const datums = Array.from({ length: 10_000 }, (_, i) => datum({ value: i, timestamp: now }));
    const result = await sink().publish(datums, opts(30_000));
    expect(result).toMatchObject({ requests: 10, delivered: 10_000 });
    expect(fake.accepted.map((a) => a.value)).toEqual(datums.map((d) => d.value));
    expect(fake.requests.every((r) => r.gzip)).toBe(true);
  });

  test("maximal datums are split under the 1 MB request limit and all accepted", async () => {
    const datums = Array.from({ length: 60 }, (_, i) => hugeDatum(i));
    const result = await sink().publish(datums, opts(30_000));
    expect(result.failures).toEqual([]);
    expect(result.requests).toBeGreaterThan(1);
    expect(fake.accepted).toHaveLength(60);
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
  });
});
