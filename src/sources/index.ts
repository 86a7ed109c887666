/** Builds the cycle's source from the metrics file (and/or the METRIC_* metric). */
import type { MetricSpec, MetricsFile } from "../config/file.ts";
import type { Datum } from "../datum.ts";
import type { Logger } from "../log.ts";
import { commandSource } from "./command.ts";
import { hostSource } from "./host.ts";
import { heartbeatSource, randomSource, staticSource } from "./simple.ts";
import type { Source } from "./source.ts";

export function sourceOf(spec: MetricSpec, log: Logger, random: () => number): Source {
  const s = spec.source;
  switch (s.type) {
    case "static":
      return staticSource(spec, s.value);
    case "random":
      return randomSource(spec, s.min, s.max, random);
    case "heartbeat":
      return heartbeatSource(spec);
    case "host":
      return hostSource(spec, s.metrics, s.paths, log);
    case "command":
      return commandSource(spec, s.command, s.timeoutSeconds, log);
  }
}

/** About how many datums a file's metrics give per cycle (for the default buffer size). */
export function datumsPerCycle(file: MetricsFile): number {
  return file.metrics.reduce((n, m) => {
    if (m.source.type !== "host") return n + 1;
    const disks = m.source.metrics.filter((x) => x.startsWith("disk_")).length;
    return n + m.source.metrics.length - disks + disks * m.source.paths.length;
  }, 0);
}

/** All sources of a cycle, run at once; one that fails unexpectedly only loses its own datums. */
export function combine(sources: readonly Source[], log: Logger): Source {
  return async (t) => {
    const results = await Promise.allSettled(sources.map((s) => s(t)));
    const datums: Datum[] = [];
    for (const r of results) {
      if (r.status === "fulfilled") datums.push(...r.value);
      else log.error("a source failed; its metrics are skipped this cycle", { reason: String(r.reason) });
    }
    return datums;
  };
}
