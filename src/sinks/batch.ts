import { MAX_DATUMS_PER_REQUEST, MAX_REQUEST_BYTES } from "../cloudwatch/limits.ts";
import type { Datum } from "../datum.ts";
import { envelopeBytes, type PutMetricDataInput, toWire, wireBytes } from "./wire.ts";

export interface Batch {
  readonly input: PutMetricDataInput;
  readonly datums: readonly Datum[];
}

/**
 * Packs datums into as few PutMetricData requests as the limits allow: one namespace per
 * request, at most MAX_DATUMS_PER_REQUEST datums and MAX_REQUEST_BYTES of body each.
 * Order is kept within a namespace; namespaces go out in order of first appearance.
 */
export function toBatches(
  datums: readonly Datum[],
  limits = { datums: MAX_DATUMS_PER_REQUEST, bytes: MAX_REQUEST_BYTES },
): Batch[] {
  const byNamespace = new Map<string, Datum[]>();
  for (const datum of datums) {
    const list = byNamespace.get(datum.namespace);
    if (list === undefined) byNamespace.set(datum.namespace, [datum]);
    else list.push(datum);
  }
  const batches: Batch[] = [];
  for (const [namespace, list] of byNamespace) {
    const empty = envelopeBytes(namespace);
    let current: { input: PutMetricDataInput; datums: Datum[] } | undefined;
    let bytes = empty;
    for (const datum of list) {
      const wire = toWire(datum);
      const size = wireBytes(wire);
      if (current === undefined || current.datums.length >= limits.datums || bytes + size > limits.bytes) {
        current = { input: { Namespace: namespace, MetricData: [] }, datums: [] };
        batches.push(current);
        bytes = empty;
      }
      current.input.MetricData.push(wire);
      current.datums.push(datum);
      bytes += size;
    }
  }
  return batches;
}
