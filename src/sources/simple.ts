import type { Unit } from "../cloudwatch/limits.ts";
import type { MetricSpec } from "../config/file.ts";
import type { Datum } from "../datum.ts";
import type { Source } from "./source.ts";

/** A datum of `spec` (its namespace, dimensions, resolution) with this name, value and unit. */
export function datumOf(spec: MetricSpec, name: string, value: number, unit: Unit, timestamp: number): Datum {
  return {
    namespace: spec.namespace,
    metricName: name,
    value,
    unit,
    timestamp,
    dimensions: spec.dimensions,
    storageResolution: spec.storageResolution,
  };
}

/** `static`: the same value every cycle. */
export function staticSource(spec: MetricSpec, value: number): Source {
  return async (t) => [datumOf(spec, spec.name ?? "", value, spec.unit ?? "None", t)];
}

/** `random`: a new integer from min to max (inclusive) every cycle; the seed's test metric. */
export function randomSource(spec: MetricSpec, min: number, max: number, random: () => number): Source {
  return async (t) => [
    datumOf(spec, spec.name ?? "", min + Math.floor(random() * (max - min + 1)), spec.unit ?? "None", t),
  ];
}

/** `heartbeat`: 1 every cycle, for "is it alive" alarms on Sum < 1. */
export function heartbeatSource(spec: MetricSpec): Source {
  return async (t) => [datumOf(spec, spec.name ?? "", 1, spec.unit ?? "Count", t)];
}
