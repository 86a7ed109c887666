/**
 * `PUBLISH_SINK=emf`: CloudWatch Embedded Metric Format on stdout, one JSON object per line, for
 * log pipelines that extract metrics themselves (ECS/EKS with the CloudWatch agent or Fluent Bit
 * to CloudWatch Logs, Lambda). No PutMetricData permission needed.
 */
import type { Datum } from "../datum.ts";
import type { Rejected, Sink } from "./sink.ts";

/** EMF allows at most 100 metrics in one object. */
export const MAX_EMF_METRICS = 100;

interface Group {
  namespace: string;
  timestamp: number;
  dimensions: Datum["dimensions"];
  datums: Datum[];
}

const groupKey = (d: Datum) =>
  JSON.stringify([d.namespace, d.timestamp, d.dimensions.map((x) => [x.name, x.value])]);

/** The EMF lines for datums: one per namespace, timestamp and dimension set, ≤ 100 metrics each. */
export function emfLines(datums: readonly Datum[]): { lines: string[]; rejected: Rejected[] } {
  const groups = new Map<string, Group>();
  const rejected: Rejected[] = [];
  for (const d of datums) {
    if (d.metricName === "_aws" || d.dimensions.some((x) => x.name === d.metricName || x.name === "_aws")) {
      rejected.push({
        datum: d,
        error: new Error(`EMF: metric ${d.metricName} has the name of a dimension or of _aws`),
      });
      continue;
    }
    const key = groupKey(d);
    const g = groups.get(key) ?? {
      namespace: d.namespace,
      timestamp: d.timestamp,
      dimensions: d.dimensions,
      datums: [],
    };
    g.datums.push(d);
    groups.set(key, g);
  }
  const lines: string[] = [];
  for (const g of groups.values()) {
    // A name may appear once per object: a repeated metric starts a new one, as does the 101st.
    let chunk: Datum[] = [];
    const flush = () => {
      if (chunk.length === 0) return;
      const root: Record<string, unknown> = {
        _aws: {
          Timestamp: Math.round(g.timestamp),
          CloudWatchMetrics: [
            {
              Namespace: g.namespace,
              Dimensions: [g.dimensions.map((x) => x.name)],
              Metrics: chunk.map((d) => ({
                Name: d.metricName,
                Unit: d.unit,
                ...(d.storageResolution === 1 ? { StorageResolution: 1 } : {}),
              })),
            },
          ],
        },
      };
      for (const x of g.dimensions) root[x.name] = x.value;
      for (const d of chunk) root[d.metricName] = d.value;
      lines.push(JSON.stringify(root));
      chunk = [];
    };
    for (const d of g.datums) {
      if (chunk.length >= MAX_EMF_METRICS || chunk.some((c) => c.metricName === d.metricName)) flush();
      chunk.push(d);
    }
    flush();
  }
  return { lines, rejected };
}

export function emfSink(write: (line: string) => void): Sink {
  return {
    async publish(datums) {
      const { lines, rejected } = emfLines(datums);
      for (const line of lines) write(line);
      return { requests: lines.length, delivered: datums.length - rejected.length, failures: [], rejected };
    },
  };
}
