import { describe, expect, test } from "bun:test";
import { MAX_DATUMS_PER_REQUEST, MAX_REQUEST_BYTES } from "../../src/cloudwatch/limits.ts";
import { toBatches } from "../../src/sinks/batch.ts";
import { datum, hugeDatum } from "../support/datums.ts";

/** The body the SDK sends for a batch (awsJson1_0 writes Timestamp as epoch seconds). */
const bodyBytes = (input: ReturnType<typeof toBatches>[number]["input"]) =>
  Buffer.byteLength(
    JSON.stringify({
      ...input,
      MetricData: input.MetricData.map((d) => ({ ...d, Timestamp: d.Timestamp.getTime() / 1000 })),
    }),
  );

describe("toBatches", () => {
  test("1000 datums fit one request; the 1001st starts another", () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => datum({ value: i }));
    expect(toBatches(many(1000)).map((b) => b.datums.length)).toEqual([1000]);
    expect(toBatches(many(1001)).map((b) => b.datums.length)).toEqual([1000, 1]);
    expect(toBatches(many(10_000))).toHaveLength(10);
    expect(toBatches([])).toEqual([]);
  });

  test("large datums are cut at the byte budget, each request as full as it can be", () => {
    const datums = Array.from({ length: 100 }, (_, i) => hugeDatum(i));
    const batches = toBatches(datums);
    const sizes = batches.map((b) => bodyBytes(b.input));
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    const one = bodyBytes(toBatches([hugeDatum(0)])[0]?.input ?? { Namespace: "", MetricData: [] });
    // Every batch but the last could not take one more datum.
    for (const size of sizes.slice(0, -1)) expect(size + one).toBeGreaterThan(MAX_REQUEST_BYTES);
    expect(batches.flatMap((b) => b.datums)).toEqual(datums);
    expect(batches.length).toBeLessThan(MAX_DATUMS_PER_REQUEST);
  });

  test("one namespace per request, order kept within each", () => {
    const d = [
      datum({ namespace: "A", value: 1 }),
      datum({ namespace: "B", value: 2 }),
      datum({ namespace: "A", value: 3 }),
    ];
    const batches = toBatches(d);
    expect(batches.map((b) => [b.input.Namespace, b.input.MetricData.map((m) => m.Value)])).toEqual([
      ["A", [1, 3]],
      ["B", [2]],
    ]);
  });

  test("the wire form carries every field and omits empty dimensions", () => {
    const t = Date.UTC(2026, 10, 29, 8, 0, 0);
    const [batch] = toBatches([
      datum({ timestamp: t, unit: "Percent", value: 12.5, storageResolution: 1 }),
      datum({ timestamp: t, dimensions: [{ name: "Host", value: "web-1" }] }),
    ]);
    expect(batch?.input).toEqual({
      Namespace: "Test/NS",
      MetricData: [
        { MetricName: "Metric", Value: 12.5, Unit: "Percent", Timestamp: new Date(t), StorageResolution: 1 },
        {
          MetricName: "Metric",
          Value: 1,
          Unit: "Count",
          Timestamp: new Date(t),
          Dimensions: [{ Name: "Host", Value: "web-1" }],
          StorageResolution: 60,
        },
      ],
    });
  });
});
