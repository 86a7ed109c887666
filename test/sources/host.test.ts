import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { MetricSpec } from "../../src/config/file.ts";
import { type HostFiles, hostSource, nodeHostFiles } from "../../src/sources/host.ts";
import { HOST_METRIC_NAMES, HOST_METRICS } from "../../src/sources/host-names.ts";
import {
  cpuActivePercent,
  diskUsage,
  mountOf,
  parseCpu,
  parseLoadavg,
  parseMeminfo,
  parseMounts,
} from "../../src/sources/proc.ts";
import { captureLogger } from "../support/capture.ts";

const FIXTURES = join(import.meta.dir, "..", "fixtures", "proc");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const T = Date.UTC(2026, 10, 29, 9, 0, 0);

const spec: MetricSpec = {
  name: undefined,
  namespace: "Host",
  unit: undefined,
  dimensions: [{ name: "InstanceId", value: "i-1" }],
  storageResolution: 60,
  source: { type: "host", metrics: HOST_METRIC_NAMES, paths: ["/", "/data"] },
};

describe("/proc parsers", () => {
  test("meminfo in bytes", () => {
    const m = parseMeminfo(fixture("meminfo"));
    expect(m.get("MemTotal")).toBe(8_000_000 * 1024);
    expect(m.get("MemAvailable")).toBe(2_000_000 * 1024);
    expect(m.get("HugePages_Total")).toBe(0);
  });

  test("CPU active percent between two samples of /proc/stat", () => {
    const a = parseCpu(fixture("stat-1"));
    const b = parseCpu(fixture("stat-2"));
    expect(a).toEqual({ total: 10_000, idle: 8_500 });
    // 1,600 more ticks, 700 of them idle or iowait: 900 / 1,600 busy.
    expect(b).toEqual({ total: 11_600, idle: 9_200 });
    expect(cpuActivePercent(a, b)).toBe(56.25);
    expect(cpuActivePercent(a, a)).toBe(0);
  });

  test("loadavg, mounts (with escapes) and the mount of a path", () => {
    expect(parseLoadavg(fixture("loadavg"))).toEqual([0.52, 0.33, 0.18]);
    const mounts = parseMounts(fixture("mounts"));
    expect(mounts.map((m) => m.path)).toEqual(["/", "/proc", "/data", "/mnt/my disk"]);
    expect(mountOf(mounts, "/data")?.fstype).toBe("xfs");
    expect(mountOf(mounts, "/data/sub/dir")?.fstype).toBe("xfs");
    expect(mountOf(mounts, "/database")?.fstype).toBe("ext4");
    expect(mountOf(mounts, "/mnt/my disk")?.device).toBe("/dev/nvme2n1");
  });

  test("disk usage as df counts it: used / (used + available)", () => {
    expect(diskUsage({ blocks: 1000, bfree: 300, bavail: 250, bsize: 4096 })).toEqual({
      usedPercent: (100 * 700) / 950,
      freeBytes: 250 * 4096,
    });
  });
});

describe("host source", () => {
  test("from fixtures: every metric, its unit and dimensions; CPU from the previous sample", async () => {
    let stat = "stat-1";
    const files: HostFiles = {
      read: (path) => fixture(path === "/proc/stat" ? stat : path.replace("/proc/", "")),
      statfs: (path) =>
        path === "/"
          ? { blocks: 1000, bfree: 300, bavail: 250, bsize: 4096 }
          : { blocks: 100, bfree: 90, bavail: 90, bsize: 1024 },
    };
    const { log } = captureLogger();
    const source = hostSource(
      spec,
      spec.source.type === "host" ? spec.source.metrics : [],
      ["/", "/data"],
      log,
      files,
    );
    stat = "stat-2";
    const datums = await source(T);
    const byName = (name: string, path?: string) =>
      datums.find(
        (d) => d.metricName === name && (path === undefined || d.dimensions.some((x) => x.value === path)),
      );
    expect(byName("mem_used_percent")?.value).toBe(75);
    expect(byName("mem_available")?.value).toBe(2_000_000 * 1024);
    expect(byName("swap_used_percent")?.value).toBe(25);
    expect(byName("cpu_usage_active")?.value).toBe(56.25);
    expect(byName("load_average_1m")?.value).toBe(0.52);
    expect(byName("load_average_15m")?.value).toBe(0.18);
    expect(byName("disk_used_percent", "/")?.value).toBe(73.68);
    expect(byName("disk_free", "/data")?.value).toBe(90 * 1024);
    expect(byName("disk_used_percent", "/data")?.dimensions).toEqual([
      { name: "InstanceId", value: "i-1" },
      { name: "path", value: "/data" },
      { name: "fstype", value: "xfs" },
    ]);
    for (const d of datums) {
      expect(d.unit).toBe(HOST_METRICS[d.metricName as keyof typeof HOST_METRICS]);
      expect(d.timestamp).toBe(T);
      expect(d.namespace).toBe("Host");
    }
    expect(datums).toHaveLength(7 + 2 * 2);
  });

  test("a path that cannot be read is skipped with a warning; the rest is published", async () => {
    const { log, lines } = captureLogger();
    const files: HostFiles = {
      ...nodeHostFiles,
      statfs: () => {
        throw Object.assign(new Error("ENOENT: no such file or directory, statfs '/nope'"), {
          code: "ENOENT",
        });
      },
    };
    const datums = await hostSource(
      spec,
      ["disk_used_percent", "mem_used_percent"],
      ["/nope"],
      log,
      files,
    )(T);
    expect(datums.map((d) => d.metricName)).toEqual(["mem_used_percent"]);
    expect(lines[0]).toMatchObject({
      level: "warn",
      msg: "host metrics: cannot read disk /nope; skipped this cycle",
    });
  });

  test("a real read on this machine gives plausible values", async () => {
    const { log, lines } = captureLogger();
    const source = hostSource(spec, HOST_METRIC_NAMES, ["/"], log);
    await Bun.sleep(50);
    const datums = await source(T);
    expect(lines).toEqual([]);
    expect(datums.map((d) => d.metricName).sort()).toEqual([...HOST_METRIC_NAMES].sort());
    for (const d of datums) {
      expect(Number.isFinite(d.value)).toBe(true);
      expect(d.value).toBeGreaterThanOrEqual(0);
      if (d.unit === "Percent") expect(d.value).toBeLessThanOrEqual(100);
    }
  });
});
