/**
 * `host`: memory, swap, disk, CPU and load of a Linux host, read from /proc and statfs — no child
 * processes. CPU utilisation is measured between two cycles (the first against the start).
 */
import { readFileSync, statfsSync } from "node:fs";
import type { MetricSpec } from "../config/file.ts";
import type { Datum } from "../datum.ts";
import type { Logger } from "../log.ts";
import { HOST_METRICS, type HostMetric } from "./host-names.ts";
import {
  type CpuTimes,
  cpuActivePercent,
  diskUsage,
  type FsStats,
  mountOf,
  parseCpu,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
} from "./proc.ts";
import { datumOf } from "./simple.ts";
import type { Source } from "./source.ts";

/** What the host source reads; tests pass fixtures. */
export interface HostFiles {
  read(path: string): string;
  statfs(path: string): FsStats;
}

export const nodeHostFiles: HostFiles = {
  read: (path) => readFileSync(path, "utf8"),
  statfs: (path) => statfsSync(path),
};

const round = (n: number) => Math.round(n * 100) / 100;

export function hostSource(
  spec: MetricSpec,
  metrics: readonly HostMetric[],
  paths: readonly string[],
  log: Logger,
  files: HostFiles = nodeHostFiles,
): Source {
  const wants = (m: HostMetric) => metrics.includes(m);
  let cpu: CpuTimes | undefined;
  const readCpu = () => parseCpu(files.read("/proc/stat"));
  if (wants("cpu_usage_active")) {
    try {
      cpu = readCpu();
    } catch {
      cpu = undefined;
    }
  }
  const problem = (what: string, error: unknown) =>
    log.warn(`host metrics: cannot read ${what}; skipped this cycle`, {
      reason: error instanceof Error ? error.message : String(error),
    });

  return async (t) => {
    const out: Datum[] = [];
    const add = (name: HostMetric, value: number, extra: Datum["dimensions"] = []) =>
      out.push({
        ...datumOf(spec, name, round(value), HOST_METRICS[name], t),
        dimensions: [...spec.dimensions, ...extra],
      });

    if (wants("mem_used_percent") || wants("mem_available") || wants("swap_used_percent")) {
      try {
        const mem = parseMeminfo(files.read("/proc/meminfo"));
        const total = mem.get("MemTotal") ?? 0;
        const available = mem.get("MemAvailable") ?? 0;
        if (wants("mem_used_percent") && total > 0)
          add("mem_used_percent", (100 * (total - available)) / total);
        if (wants("mem_available")) add("mem_available", available);
        const swapTotal = mem.get("SwapTotal") ?? 0;
        if (wants("swap_used_percent"))
          add(
            "swap_used_percent",
            swapTotal === 0 ? 0 : (100 * (swapTotal - (mem.get("SwapFree") ?? 0))) / swapTotal,
          );
      } catch (error) {
        problem("/proc/meminfo", error);
      }
    }
    if (wants("cpu_usage_active")) {
      try {
        const now = readCpu();
        if (cpu !== undefined) add("cpu_usage_active", cpuActivePercent(cpu, now));
        cpu = now;
      } catch (error) {
        problem("/proc/stat", error);
      }
    }
    if (wants("load_average_1m") || wants("load_average_5m") || wants("load_average_15m")) {
      try {
        const [l1, l5, l15] = parseLoadavg(files.read("/proc/loadavg"));
        if (wants("load_average_1m")) add("load_average_1m", l1);
        if (wants("load_average_5m")) add("load_average_5m", l5);
        if (wants("load_average_15m")) add("load_average_15m", l15);
      } catch (error) {
        problem("/proc/loadavg", error);
      }
    }
    if (wants("disk_used_percent") || wants("disk_free")) {
      let mounts: ReturnType<typeof parseMounts> = [];
      try {
        mounts = parseMounts(files.read("/proc/mounts"));
      } catch {
        mounts = [];
      }
      for (const path of paths) {
        try {
          const usage = diskUsage(files.statfs(path));
          const dims = [
            { name: "path", value: path },
            { name: "fstype", value: mountOf(mounts, path)?.fstype ?? "unknown" },
          ];
          if (wants("disk_used_percent")) add("disk_used_percent", usage.usedPercent, dims);
          if (wants("disk_free")) add("disk_free", usage.freeBytes, dims);
        } catch (error) {
          problem(`disk ${path}`, error);
        }
      }
    }
    return out;
  };
}
