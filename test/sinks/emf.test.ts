import { describe, expect, test } from "bun:test";
import { emfLines, emfSink, MAX_EMF_METRICS } from "../../src/sinks/emf.ts";
import { datum } from "../support/datums.ts";
import { checkEmf } from "../support/emf.ts";

const T = Date.UTC(2026, 10, 29, 9, 0, 0);

describe("EMF lines", () => {
  test("one line per namespace, timestamp and dimension set, valid per the specification", () => {
    const dims = [{ name: "Service", value: "api" }];
    const { lines, rejected } = emfLines([
      datum({ namespace: "App", metricName: "Requests", value: 10, timestamp: T, dimensions: dims }),
      datum({
        namespace: "App",
        metricName: "Latency",
        value: 0.25,
        unit: "Seconds",
        timestamp: T,
        dimensions: dims,
        storageResolution: 1,
      }),
      datum({ namespace: "App", metricName: "Heartbeat", value: 1, timestamp: T }),
    ]);
    expect(rejected).toEqual([]);
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(checkEmf(l)).toEqual([]);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      _aws: {
        Timestamp: T,
        CloudWatchMetrics: [
          {
            Namespace: "App",
            Dimensions: [["Service"]],
            Metrics: [
              { Name: "Requests", Unit: "Count" },
              { Name: "Latency", Unit: "Seconds", StorageResolution: 1 },
            ],
          },
        ],
      },
      Service: "api",
      Requests: 10,
      Latency: 0.25,
    });
    expect(JSON.parse(lines[1] ?? "")._aws.CloudWatchMetrics[0].Dimensions).toEqual([[]]);
  });

  test("at most 100 metrics per line; a repeated name starts a new line", () => {
    const many = Array.from({ length: 250 }, (_, i) => datum({ metricName: `m${i}`, timestamp: T }));
    const { lines } = emfLines(many);
    expect(lines.map((l) => JSON.parse(l)._aws.CloudWatchMetrics[0].Metrics.length)).toEqual([100, 100, 50]);
    for (const l of lines) expect(checkEmf(l)).toEqual([]);
    expect(MAX_EMF_METRICS).toBe(100);
    const twice = emfLines([datum({ value: 1, timestamp: T }), datum({ value: 2, timestamp: T })]).lines;
    expect(twice.map((l) => JSON.parse(l).Metric)).toEqual([1, 2]);
  });

  test("a metric named like one of its dimensions cannot be expressed and is rejected", async () => {
    const bad = datum({ metricName: "Service", dimensions: [{ name: "Service", value: "x" }] });
    const out: string[] = [];
    const result = await emfSink((l) => out.push(l)).publish([bad, datum()], {
      signal: new AbortController().signal,
      deadline: 0,
    });
    expect(result.rejected.map((r) => r.datum)).toEqual([bad]);
    expect(result.delivered).toBe(1);
    expect(out).toHaveLength(1);
  });
});
