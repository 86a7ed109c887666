/** Parsers for the Linux /proc files the host source reads. Pure: text in, numbers out. */

/** `/proc/meminfo`: every `Key: value [kB]` line, in bytes where the unit is kB. */
export function parseMeminfo(text: string): Map<string, number> {
  const fields = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([\w()]+):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) fields.set(m[1] ?? "", Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return fields;
}

export interface CpuTimes {
  readonly total: number;
  /** Idle and iowait: time the CPUs did no work. */
  readonly idle: number;
}

/** The aggregate `cpu` line of `/proc/stat` (guest time is already counted in user). */
export function parseCpu(text: string): CpuTimes {
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) throw new Error("/proc/stat has no cpu line");
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { total: user + nice + system + idle + iowait + irq + softirq + steal, idle: idle + iowait };
}

/** Percent of CPU time spent working between two samples (0 when no time passed). */
export function cpuActivePercent(before: CpuTimes, after: CpuTimes): number {
  const total = after.total - before.total;
  return total <= 0 ? 0 : (100 * (total - (after.idle - before.idle))) / total;
}

/** `/proc/loadavg`: the 1, 5 and 15 minute load averages. */
export function parseLoadavg(text: string): [number, number, number] {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((n) => Number.isFinite(n))) throw new Error("/proc/loadavg is not as expected");
  return [a ?? 0, b ?? 0, c ?? 0];
}

export interface Mount {
  readonly device: string;
  readonly path: string;
  readonly fstype: string;
}

/** `/proc/mounts` (octal escapes such as `\040` for a space decoded). */
export function parseMounts(text: string): Mount[] {
  const decode = (s: string) =>
    s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
  return text
    .split("\n")
    .map((l) => l.split(" "))
    .filter((f) => f.length >= 3)
    .map(([device = "", path = "", fstype = ""]) => ({
      device: decode(device),
      path: decode(path),
      fstype,
    }));
}

/** The mount a path lives on: the longest mount point that contains it (the last one wins). */
export function mountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = path === m.path || m.path === "/" || path.startsWith(`${m.path}/`);
    if (inside && (best === undefined || m.path.length >= best.path.length)) best = m;
  }
  return best;
}

export interface FsStats {
  readonly blocks: number;
  readonly bfree: number;
  readonly bavail: number;
  readonly bsize: number;
}

/** As `df` and the CloudWatch agent count it: used / (used + available to users). */
export function diskUsage(s: FsStats): { usedPercent: number; freeBytes: number } {
  const used = (s.blocks - s.bfree) * s.bsize;
  const free = s.bavail * s.bsize;
  return { usedPercent: used + free === 0 ? 0 : (100 * used) / (used + free), freeBytes: free };
}
