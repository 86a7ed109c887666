/**
 * What a configuration costs at CloudWatch's list prices (us-east-1): every distinct metric
 * (each dimension combination counts) and every PutMetricData request.
 */
import type { Datum } from "./datum.ts";
import { toBatches } from "./sinks/batch.ts";

/** Per metric-month, first 10,000 metrics. */
export const PRICE_PER_METRIC_MONTH = 0.3;
/** Per 1,000 PutMetricData requests (the first 1,000,000 a month are free per account). */
export const PRICE_PER_1000_REQUESTS = 0.01;
/** A 31-day month: 44,640 one-minute cycles. */
export const MONTH_SECONDS = 31 * 24 * 3600;

export interface Estimate {
  readonly metrics: number;
  readonly requestsPerCycle: number;
  readonly requestsPerMonth: number;
  readonly metricsUsd: number;
  readonly requestsUsd: number;
  readonly totalUsd: number;
}

/** From one cycle's datums and the interval. EMF sends no requests (pass `requests: false`). */
export function estimate(cycle: readonly Datum[], intervalSeconds: number, requests = true): Estimate {
  const distinct = new Set(
    cycle.map((d) =>
      JSON.stringify([d.namespace, d.metricName, [...d.dimensions].map((x) => [x.name, x.value]).sort()]),
    ),
  );
  const requestsPerCycle = requests ? toBatches(cycle).length : 0;
  const requestsPerMonth = requestsPerCycle * Math.ceil(MONTH_SECONDS / intervalSeconds);
  const metricsUsd = distinct.size * PRICE_PER_METRIC_MONTH;
  const requestsUsd = (requestsPerMonth / 1000) * PRICE_PER_1000_REQUESTS;
  return {
    metrics: distinct.size,
    requestsPerCycle,
    requestsPerMonth,
    metricsUsd,
    requestsUsd,
    totalUsd: metricsUsd + requestsUsd,
  };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/** One human line, e.g. for `validate`. */
export const describeEstimate = (e: Estimate): string =>
  `${e.metrics} metric(s), ${e.requestsPerCycle} request(s) per cycle (${e.requestsPerMonth.toLocaleString("en-US")} a month): about ${usd(e.totalUsd)} a month at list prices (metrics ${usd(e.metricsUsd)}, requests ${usd(e.requestsUsd)} before the free tier)`;
