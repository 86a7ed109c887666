/**
 * PutMetricData limits and units, from the CloudWatch API reference (MetricDatum, Dimension,
 * PutMetricData). Every value the publisher sends is checked against these before it is sent.
 */

/** Datums in one PutMetricData request (MetricData and EntityMetricData together). */
export const MAX_DATUMS_PER_REQUEST = 1000;

/**
 * Bytes of one request body. CloudWatch's limit is 1 MB per HTTP POST; the budget is kept under
 * 1,000,000 bytes of uncompressed JSON so that neither reading of "1 MB" can be exceeded.
 */
export const MAX_REQUEST_BYTES = 1_000_000;

export const MAX_DIMENSIONS_PER_DATUM = 30;
export const MAX_NAMESPACE_LENGTH = 255;
export const MAX_METRIC_NAME_LENGTH = 255;
export const MAX_DIMENSION_NAME_LENGTH = 255;
export const MAX_DIMENSION_VALUE_LENGTH = 1024;

/** Values must lie within ±2^360; NaN and ±Infinity are rejected. */
export const MAX_ABS_VALUE = 2 ** 360;

/** Timestamps up to 14 days in the past and 2 hours in the future are accepted. */
export const MAX_PAST_MS = 14 * 24 * 60 * 60 * 1000;
export const MAX_FUTURE_MS = 2 * 60 * 60 * 1000;

/** Namespaces beginning with this are reserved for AWS services. */
export const RESERVED_NAMESPACE_PREFIX = "AWS/";

export const STORAGE_RESOLUTIONS = [60, 1] as const;
export type StorageResolution = (typeof STORAGE_RESOLUTIONS)[number];

/** The 27 units CloudWatch accepts, spelled exactly as the API wants them. */
export const UNITS = [
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "Bytes/Second",
  "Kilobytes/Second",
  "Megabytes/Second",
  "Gigabytes/Second",
  "Terabytes/Second",
  "Bits/Second",
  "Kilobits/Second",
  "Megabits/Second",
  "Gigabits/Second",
  "Terabits/Second",
  "Count/Second",
  "None",
] as const;
export type Unit = (typeof UNITS)[number];

/** Common abbreviations users type, mapped to the unit they mean (used only for suggestions). */
export const UNIT_ALIASES: Readonly<Record<string, Unit>> = {
  s: "Seconds",
  sec: "Seconds",
  secs: "Seconds",
  ms: "Milliseconds",
  us: "Microseconds",
  µs: "Microseconds",
  b: "Bytes",
  kb: "Kilobytes",
  mb: "Megabytes",
  gb: "Gigabytes",
  tb: "Terabytes",
  "%": "Percent",
  pct: "Percent",
  percentage: "Percent",
  bps: "Bits/Second",
  "b/s": "Bytes/Second",
  "bytes/s": "Bytes/Second",
  "bytes/sec": "Bytes/Second",
  "count/s": "Count/Second",
  "count/sec": "Count/Second",
  none: "None",
  "": "None",
};
