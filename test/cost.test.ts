import { expect, test } from "bun:test";
import { describeEstimate, estimate } from "../src/cost.ts";
import { datum } from "./support/datums.ts";

test("each dimension combination is a metric; requests follow the batching; a 31-day month", () => {
  const cycle = [
    datum({ metricName: "A" }),
    datum({ metricName: "A", dimensions: [{ name: "Host", value: "1" }] }),
    datum({ metricName: "A", dimensions: [{ name: "Host", value: "2" }] }),
    datum({ metricName: "B", namespace: "Other" }),
  ];
  const e = estimate(cycle, 60);
  expect(e).toEqual({
    metrics: 4,
    requestsPerCycle: 2,
    requestsPerMonth: 2 * 44_640,
    metricsUsd: 1.2,
    requestsUsd: 0.8928,
    totalUsd: 1.2 + 0.8928,
  });
  expect(describeEstimate(e)).toBe(
    "4 metric(s), 2 request(s) per cycle (89,280 a month): about $2.09 a month at list prices (metrics $1.20, requests $0.89 before the free tier)",
  );
  expect(estimate(cycle, 60, false).requestsUsd).toBe(0);
  expect(estimate([datum()], 1).requestsPerMonth).toBe(2_678_400);
});
