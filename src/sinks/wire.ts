import type { Datum } from "../datum.ts";

/** One datum as PutMetricData takes it (the SDK's MetricDatum shape). */
export interface WireDatum {
  MetricName: string;
  Value: number;
  Unit: Datum["unit"];
  Timestamp: Date;
  Dimensions?: { Name: string; Value: string }[];
  StorageResolution: number;
}

export interface PutMetricDataInput {
  Namespace: string;
  MetricData: WireDatum[];
}

export function toWire(datum: Datum): WireDatum {
  return {
    MetricName: datum.metricName,
    Value: datum.value,
    Unit: datum.unit,
    Timestamp: new Date(datum.timestamp),
    ...(datum.dimensions.length > 0
      ? { Dimensions: datum.dimensions.map((d) => ({ Name: d.name, Value: d.value })) }
      : {}),
    StorageResolution: datum.storageResolution,
  };
}

/**
 * Bytes this datum adds to an awsJson1_0 request body: the SDK writes Timestamp as epoch
 * seconds, so that is what is measured; one byte more for the separating comma.
 */
export function wireBytes(datum: WireDatum): number {
  const json = JSON.stringify({ ...datum, Timestamp: datum.Timestamp.getTime() / 1000 });
  return Buffer.byteLength(json) + 1;
}

export function envelopeBytes(namespace: string): number {
  return Buffer.byteLength(JSON.stringify({ Namespace: namespace, MetricData: [] }));
}
