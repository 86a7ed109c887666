import { describe, expect, test } from "bun:test";
import { Backlog, defaultBufferMax } from "../src/backlog.ts";
import { captureLogger } from "./support/capture.ts";
import { datum } from "./support/datums.ts";

const T = Date.UTC(2026, 10, 29, 8, 0, 0);
const DAY = 86_400_000;

function backlog(max: number) {
  const { log, lines } = captureLogger();
  return { b: new Backlog(max, log), lines };
}

describe("Backlog", () => {
  test("keeps datums oldest first, and what is put back keeps its place", () => {
    const { b } = backlog(100);
    b.add([datum({ timestamp: T + 2 }), datum({ timestamp: T })]);
    const taken = b.take(T);
    expect(taken.map((d) => d.timestamp)).toEqual([T, T + 2]);
    expect(b.size).toBe(0);
    b.add([datum({ timestamp: T + 3 })]);
    b.putBack(taken);
    expect(b.snapshot().map((d) => d.timestamp)).toEqual([T, T + 2, T + 3]);
  });

  test("overflow drops exactly the oldest, keeps the newest, and logs count and range", () => {
    const { b, lines } = backlog(10);
    b.add(Array.from({ length: 15 }, (_, i) => datum({ timestamp: T + i * 60_000 })));
    expect(b.size).toBe(10);
    expect(b.snapshot()[0]?.timestamp).toBe(T + 5 * 60_000);
    expect(lines).toEqual([
      expect.objectContaining({
        level: "error",
        msg: "buffer full: dropped the oldest datapoints",
        dropped: 5,
        from: new Date(T).toISOString(),
        to: new Date(T + 4 * 60_000).toISOString(),
        max: 10,
      }),
    ]);
  });

  test("never hands out datums CloudWatch would refuse as too old, and says so", () => {
    const { b, lines } = backlog(100);
    b.add([datum({ timestamp: T - 14 * DAY }), datum({ timestamp: T - 13 * DAY }), datum({ timestamp: T })]);
    expect(b.take(T).map((d) => d.timestamp)).toEqual([T - 13 * DAY, T]);
    expect(lines[0]).toMatchObject({
      msg: "dropped datapoints too old for CloudWatch (older than 14 days)",
      dropped: 1,
    });
  });

  test("the default holds at least 24 h of the configured metrics", () => {
    expect(defaultBufferMax(60, 1)).toBe(1_440);
    expect(defaultBufferMax(60, 5)).toBe(7_200);
    expect(defaultBufferMax(300, 1)).toBe(1_440);
    expect(defaultBufferMax(10, 3)).toBe(25_920);
    expect(defaultBufferMax(1, 10)).toBe(100_000);
  });
});
