/** `validate`: the effective configuration, credentials (masked), cost, and what a cycle sends. */
import type { ResolvedCredentials } from "./cloudwatch/client.ts";
import type { Config } from "./config/load.ts";
import { describeEstimate, estimate } from "./cost.ts";
import { maskKey } from "./credentials.ts";
import type { Datum } from "./datum.ts";
import { dryRunSink } from "./sinks/dry-run.ts";

export interface Report {
  readonly version: string;
  readonly config: Config;
  readonly metricsFile: string | undefined;
  readonly sink: "cloudwatch" | "emf";
  readonly endpoint: string | undefined;
  readonly credentials: ResolvedCredentials | undefined;
  readonly warnings: readonly string[];
  /** One cycle, measured now. */
  readonly sample: readonly Datum[];
}

export async function printReport(r: Report, out: (line: string) => void): Promise<void> {
  const c = r.config;
  const row = (k: string, v: string) => out(`  ${k.padEnd(20)}${v}`);
  const dims = c.dimensions.map((x) => `${x.name}=${x.value}`).join(", ");
  out(`cloudwatch-publisher ${r.version}: configuration is valid`);
  row(
    "sink",
    r.sink === "emf" ? "emf (Embedded Metric Format lines on stdout)" : "cloudwatch (PutMetricData)",
  );
  if (c.region) row("region", `${c.region} (from ${c.regionSource})`);
  if (r.endpoint) row("endpoint", r.endpoint);
  if (r.credentials) {
    const k = r.credentials;
    row(
      "credentials",
      `${k.source}, access key ${maskKey(k.accessKeyId)}${k.sessionToken ? ", with session token" : ""}`,
    );
  }
  if (r.metricsFile) row("metrics file", r.metricsFile);
  row("namespace", c.namespace);
  if (!r.metricsFile || r.sample.some((d) => d.metricName === c.metricName && d.namespace === c.namespace)) {
    row("metric", c.metricName);
    row("value", c.value === undefined ? "random integer 1-100, new each cycle" : String(c.value));
    row("unit", c.unit);
    row("dimensions", dims === "" ? "(none)" : dims);
    row("storage resolution", c.storageResolution === 1 ? "1 s (high resolution)" : "60 s (standard)");
  }
  row("interval", `${c.intervalSeconds} s, aligned to the clock`);
  row("retries", String(c.retries));
  row("buffer", `${c.bufferMax ?? "24 h of datapoints (default)"}; spool ${c.spoolDir ?? "off"}`);
  row("log", `${c.logFormat}, ${c.logLevel}`);
  row("estimate", describeEstimate(estimate(r.sample, c.intervalSeconds, r.sink === "cloudwatch")));
  for (const w of r.warnings) out(`warning: ${w}`);
  const lines: string[] = [];
  const result = await dryRunSink((l) => lines.push(l)).publish(r.sample, {
    signal: new AbortController().signal,
    deadline: 0,
  });
  out(`A cycle sends ${result.requests} request(s) with ${result.delivered} datapoint(s):`);
  for (const l of lines) out(l);
}
