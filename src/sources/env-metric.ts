import type { Config } from "../config/load.ts";
import type { Source } from "./source.ts";

/** A random integer from 1 to 100 inclusive: the seed's test value. */
export const randomValue = (random: () => number): number => 1 + Math.floor(random() * 100);

/**
 * The metric configured by `METRIC_*` variables: `METRIC_VALUE`, or a new random integer 1–100
 * each cycle when it is unset.
 */
export function envMetricSource(config: Config, random: () => number = Math.random): Source {
  return async (timestamp) => [
    {
      namespace: config.namespace,
      metricName: config.metricName,
      value: config.value ?? randomValue(random),
      unit: config.unit,
      timestamp,
      dimensions: config.dimensions,
      storageResolution: config.storageResolution,
    },
  ];
}
