import { describe, expect, test } from "bun:test";
import { type HealthFiles, HealthRecorder, healthThresholdMs, judge, retryTimeMs } from "../src/health.ts";

const T = Date.UTC(2026, 10, 29, 8, 0, 0);

function memoryFiles(initial: Record<string, string> = {}) {
  const files = new Map(Object.entries(initial));
  const api: HealthFiles = {
    read: async (p) => files.get(p),
    write: async (p, c) => {
      files.set(p, c);
    },
  };
  return { files, api };
}

describe("health threshold", () => {
  test("two intervals plus one cycle's worst-case retry time", () => {
    // 3 retries: backoffs capped at 0.5 + 1 + 2 s, plus 4 attempts of 10 s.
    expect(retryTimeMs(60_000, 3, 10_000)).toBe(43_500);
    expect(healthThresholdMs(60_000, 3, 10_000)).toBe(163_500);
    // Retries never run past the next boundary.
    expect(retryTimeMs(1_000, 3, 1_000)).toBe(1_000);
    expect(healthThresholdMs(1_000, 3, 1_000)).toBe(3_000);
    expect(retryTimeMs(60_000, 0, 10_000)).toBe(10_000);
  });
});

describe("judge", () => {
  const state = (over: object) =>
    JSON.stringify({ startedAt: T, lastSuccess: null, lastCycle: null, thresholdMs: 10_000, ...over });

  test("healthy while starting, until the threshold passes without a success", () => {
    expect(judge(state({}), T + 9_000)).toEqual({
      healthy: true,
      reason: "starting: no publish yet, started 9 s ago",
    });
    expect(judge(state({}), T + 11_000)).toEqual({
      healthy: false,
      reason: "no successful publish since the start 11 s ago (limit 10 s)",
    });
  });

  test("healthy while the last success is recent, unhealthy after", () => {
    expect(judge(state({ lastSuccess: T + 5_000 }), T + 14_000).healthy).toBe(true);
    expect(judge(state({ lastSuccess: T + 5_000 }), T + 16_000)).toEqual({
      healthy: false,
      reason: "last successful publish 11 s ago, more than 10 s",
    });
  });

  test("a missing or damaged file is unhealthy, with the reason", () => {
    expect(judge(undefined, T).reason).toContain("no health file");
    expect(judge("{not json", T)).toEqual({ healthy: false, reason: "the health file is not valid" });
    expect(judge('{"lastSuccess":1}', T).healthy).toBe(false);
  });
});

describe("HealthRecorder", () => {
  test("writes at open and after each cycle; a failed cycle keeps the last success", async () => {
    const { files, api } = memoryFiles();
    const rec = await HealthRecorder.open("/h", api, T, 10_000, () => {});
    expect(JSON.parse(files.get("/h") ?? "")).toEqual({
      startedAt: T,
      lastSuccess: null,
      lastCycle: null,
      thresholdMs: 10_000,
    });
    await rec.record(T + 1_000, true);
    await rec.record(T + 2_000, false);
    expect(JSON.parse(files.get("/h") ?? "")).toMatchObject({ lastSuccess: T + 1_000, lastCycle: T + 2_000 });
  });

  test("a new run (cron's once) carries the previous run's last success over", async () => {
    const { files, api } = memoryFiles({ "/h": JSON.stringify({ startedAt: 0, lastSuccess: T - 30_000 }) });
    const rec = await HealthRecorder.open("/h", api, T, 10_000, () => {});
    await rec.record(T + 1_000, false);
    expect(JSON.parse(files.get("/h") ?? "")).toMatchObject({ startedAt: T, lastSuccess: T - 30_000 });
  });

  test("a write error is reported once, not every cycle, and never thrown", async () => {
    const errors: unknown[] = [];
    const failing: HealthFiles = {
      read: async () => undefined,
      write: async () => {
        throw Object.assign(new Error("read-only file system"), { code: "EROFS" });
      },
    };
    const rec = await HealthRecorder.open("/h", failing, T, 10_000, (e) => errors.push(e));
    await rec.record(T + 1, true);
    await rec.record(T + 2, true);
    expect(errors).toHaveLength(1);
  });
});
