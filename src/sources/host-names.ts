import type { Unit } from "../cloudwatch/limits.ts";

/**
 * The host metrics and their units. Names follow the CloudWatch agent's where it has the same
 * measurement (mem_used_percent, disk_used_percent…); see the README for where they differ.
 */
export const HOST_METRICS = {
  mem_used_percent: "Percent",
  mem_available: "Bytes",
  swap_used_percent: "Percent",
  disk_used_percent: "Percent",
  disk_free: "Bytes",
  cpu_usage_active: "Percent",
  load_average_1m: "None",
  load_average_5m: "None",
  load_average_15m: "None",
} as const satisfies Record<string, Unit>;

export type HostMetric = keyof typeof HOST_METRICS;
export const HOST_METRIC_NAMES = Object.keys(HOST_METRICS) as HostMetric[];
