import type { Datum } from "../../src/datum.ts";

export const datum = (over: Partial<Datum> = {}): Datum => ({
  namespace: "Test/NS",
  metricName: "Metric",
  value: 1,
  unit: "Count",
  timestamp: Date.now(),
  dimensions: [],
  storageResolution: 60,
  ...over,
});

/** The largest datum CloudWatch accepts: 30 dimensions with maximal names and values. */
export const hugeDatum = (i: number, timestamp = Date.now()): Datum =>
  datum({
    metricName: `M${i}`.padEnd(255, "m"),
    value: i,
    timestamp,
    dimensions: Array.from({ length: 30 }, (_, d) => ({
      name: `D${d}`.padEnd(255, "n"),
      value: `${i}-${d}`.padEnd(1024, "v"),
    })),
  });
