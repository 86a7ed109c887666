import { UNITS } from "../../src/cloudwatch/limits.ts";

/** The rules of the Embedded Metric Format specification, checked on one line. */
export function checkEmf(line: string): string[] {
  const problems: string[] = [];
  const root = JSON.parse(line) as Record<string, unknown> & { _aws?: Record<string, unknown> };
  const aws = root._aws;
  if (typeof aws !== "object" || aws === null) return ["no _aws object"];
  if (!Number.isInteger(aws.Timestamp) || (aws.Timestamp as number) < 0)
    problems.push("Timestamp is not epoch ms");
  const directives = aws.CloudWatchMetrics as { Namespace: unknown; Dimensions: unknown; Metrics: unknown }[];
  if (!Array.isArray(directives) || directives.length === 0) problems.push("CloudWatchMetrics is empty");
  for (const d of directives ?? []) {
    if (typeof d.Namespace !== "string" || d.Namespace.length < 1 || d.Namespace.length > 255)
      problems.push("Namespace");
    if (!Array.isArray(d.Dimensions)) problems.push("Dimensions is not an array");
    for (const set of (d.Dimensions as unknown[]) ?? []) {
      if (!Array.isArray(set) || set.length > 30)
        problems.push("a DimensionSet is not an array of at most 30");
      for (const name of set as unknown[])
        if (typeof root[name as string] !== "string") problems.push(`dimension ${name} has no string value`);
    }
    const metrics = d.Metrics as { Name: string; Unit?: string; StorageResolution?: number }[];
    if (!Array.isArray(metrics) || metrics.length > 100) problems.push("Metrics: more than 100");
    for (const m of metrics ?? []) {
      if (typeof m.Name !== "string" || m.Name.length < 1 || m.Name.length > 255)
        problems.push("metric Name");
      if (typeof root[m.Name] !== "number") problems.push(`metric ${m.Name} has no numeric value`);
      if (m.Unit !== undefined && !(UNITS as readonly string[]).includes(m.Unit))
        problems.push(`Unit ${m.Unit}`);
      if (m.StorageResolution !== undefined && m.StorageResolution !== 1 && m.StorageResolution !== 60)
        problems.push("StorageResolution");
    }
    if (new Set(metrics.map((m) => m.Name)).size !== metrics.length) problems.push("a metric name repeats");
  }
  return problems;
}
