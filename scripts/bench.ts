/**
 * The benchmark: every figure measured in one run against the local fake CloudWatch, so ratios
 * compare like with like on a noisy shared machine.
 *
 *   bun run bench            (BENCH_CYCLES=20 for a quicker daemon figure)
 *
 * Prints a Markdown table: `once` wall/CPU/peak RSS (median of runs), the same publish done the
 * seed's way (bash + aws-cli) when `aws` is installed, daemon CPU per cycle and RSS after the
 * cycles, and one cycle of 10,000 datums through the real SDK.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FakeCloudWatch, TEST_CREDENTIALS, TEST_REGION } from "../test/support/fake-cloudwatch.ts";

const ROOT = join(import.meta.dir, "..");
const BINARY = join(ROOT, "dist", "cloudwatch-publisher");
const ONCE_RUNS = 11;
const AWS_RUNS = 5;
const CYCLES = Number(process.env.BENCH_CYCLES ?? 100);
const MiB = 1024 * 1024;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

function env(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: "/nonexistent",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_CLOUDWATCH: url,
    METRIC_VALUE: "1",
    ...extra,
  };
}

interface Sample {
  wallMs: number;
  cpuMs: number;
  rssMiB: number;
}

async function measure(cmd: string[], environment: Record<string, string>): Promise<Sample> {
  const started = performance.now();
  const proc = Bun.spawn(cmd, { env: environment, stdout: "ignore", stderr: "pipe" });
  const code = await proc.exited;
  const wallMs = performance.now() - started;
  if (code !== 0)
    throw new Error(`${cmd.join(" ")} exited ${code}: ${await new Response(proc.stderr).text()}`);
  const usage = proc.resourceUsage();
  return {
    wallMs,
    cpuMs: Number(usage?.cpuTime.total ?? 0n) / 1000,
    rssMiB: (usage?.maxRSS ?? 0) / MiB,
  };
}

async function series(n: number, cmd: string[], environment: Record<string, string>): Promise<Sample> {
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await measure(cmd, environment));
  return {
    wallMs: median(samples.map((s) => s.wallMs)),
    cpuMs: median(samples.map((s) => s.cpuMs)),
    rssMiB: median(samples.map((s) => s.rssMiB)),
  };
}

/** utime + stime of a live process, in ms, and its resident and peak memory in MiB. */
function procStats(pid: number): { cpuMs: number; rssMiB: number; hwmMiB: number; anonMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return {
    cpuMs: (ticks * 1000) / 100,
    rssMiB: kb("VmRSS") / 1024,
    hwmMiB: kb("VmHWM") / 1024,
    anonMiB: kb("RssAnon") / 1024,
  };
}

/**
 * Drops the binary's pages from the page cache (as after a reboot, or long after it was last
 * read). A file the kernel has fully cached — as a binary just built is — makes every page fault
 * map its cached neighbours too ("fault-around"), which adds several MiB of shared, clean pages
 * to RSS; both starts are measured.
 */
function evictFromPageCache(path: string): void {
  Bun.spawnSync(["dd", `if=${path}`, "iflag=nocache", "count=0", "status=none"]);
}

async function daemon(fake: FakeCloudWatch, cycles: number, cold: boolean) {
  if (cold) evictFromPageCache(BINARY);
  else Bun.spawnSync(["cat", BINARY], { stdout: "ignore" });
  const proc = Bun.spawn([BINARY, "run"], {
    env: env(fake.url, { PUBLISH_INTERVAL_SECONDS: "1" }),
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    const base = fake.accepted.length;
    await fake.waitForDatums(base + 2, 10_000);
    const first = procStats(proc.pid);
    await fake.waitForDatums(base + 2 + cycles, cycles * 1000 + 15_000);
    const last = procStats(proc.pid);
    return {
      cpuPerCycleMs: (last.cpuMs - first.cpuMs) / cycles,
      rssMiB: last.rssMiB,
      hwmMiB: last.hwmMiB,
      anonMiB: last.anonMiB,
    };
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
  }
}

/** 10,000 datums in one cycle, in a child process so the fake's own CPU is not counted. */
async function tenThousand(fake: FakeCloudWatch) {
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "bench-many.ts")], {
    env: { ...env(fake.url), BENCH_ENDPOINT: fake.url },
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error("bench-many.ts failed");
  const runs = out
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { cpuMs: number; wallMs: number; requests: number; delivered: number });
  if (runs.some((r) => r.delivered !== 10_000)) throw new Error("10,000 datums: not all delivered");
  // The first round pays for loading and warming the code; later rounds are a steady cycle.
  const warm = runs.slice(1);
  return {
    coldCpuMs: runs[0]?.cpuMs ?? Number.NaN,
    cpuMs: median(warm.map((r) => r.cpuMs)),
    wallMs: median(warm.map((r) => r.wallMs)),
    requests: runs[0]?.requests ?? 0,
  };
}

function findAws(): string | undefined {
  for (const candidate of ["/usr/bin/aws", Bun.which("aws")]) {
    if (candidate && Bun.spawnSync([candidate, "--version"]).exitCode === 0) return candidate;
  }
  return undefined;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");

async function main() {
  // Built in a child process: a large parent would show in its children's peak RSS.
  const built = Bun.spawnSync([process.execPath, join(import.meta.dir, "build.ts"), "--outfile", BINARY]);
  if (built.exitCode !== 0) throw new Error(`build failed: ${built.stderr.toString()}`);
  const fake = new FakeCloudWatch().start();
  const rows: string[][] = [];
  try {
    await measure([BINARY, "once"], env(fake.url)); // warm the page cache
    const once = await series(ONCE_RUNS, [BINARY, "once"], env(fake.url));
    const aws = findAws();
    let awsSample: Sample | undefined;
    if (aws) {
      const script = `set -eu; ${aws} cloudwatch put-metric-data --namespace CustomMetrics --metric-name TestMetric --value 1 --unit Count --region "$AWS_REGION" --endpoint-url "$AWS_ENDPOINT_URL_CLOUDWATCH"`;
      awsSample = await series(AWS_RUNS, ["bash", "-c", script], env(fake.url));
    }
    const d = await daemon(fake, CYCLES, true);
    const warm = await daemon(fake, 20, false);
    const many = await tenThousand(fake);

    rows.push([`\`once\`: wall (median of ${ONCE_RUNS})`, `${fmt(once.wallMs)} ms`, "", ""]);
    rows.push(["`once`: CPU (user+sys)", `${fmt(once.cpuMs)} ms`, "≤ 60 ms", verdict(once.cpuMs <= 60)]);
    rows.push(["`once`: peak RSS", `${fmt(once.rssMiB)} MiB`, "", ""]);
    if (awsSample) {
      const version = new TextDecoder()
        .decode(Bun.spawnSync([aws ?? "aws", "--version"]).stdout)
        .trim()
        .split(" ")[0];
      const ratio = awsSample.cpuMs / once.cpuMs;
      rows.push([`bash + ${version}: wall (median of ${AWS_RUNS})`, `${fmt(awsSample.wallMs)} ms`, "", ""]);
      rows.push([`bash + ${version}: CPU`, `${fmt(awsSample.cpuMs)} ms`, "", ""]);
      rows.push([`bash + ${version}: peak RSS`, `${fmt(awsSample.rssMiB)} MiB`, "", ""]);
      rows.push(["CPU ratio aws-cli / `once`", `${fmt(ratio)}×`, "≥ 15×", verdict(ratio >= 15)]);
    } else {
      rows.push(["bash + aws-cli", "skipped: `aws` not installed (apt-get install awscli)", "", ""]);
    }
    rows.push([
      `daemon: CPU per cycle (${CYCLES} cycles, 1 s interval)`,
      `${fmt(d.cpuPerCycleMs, 2)} ms`,
      "≤ 5 ms",
      verdict(d.cpuPerCycleMs <= 5),
    ]);
    rows.push([
      `daemon: RSS after ${CYCLES} cycles, started from disk (peak; of which anonymous)`,
      `${fmt(d.rssMiB)} MiB (${fmt(d.hwmMiB)}; ${fmt(d.anonMiB)})`,
      "≤ 50 MiB",
      verdict(d.hwmMiB <= 50),
    ]);
    rows.push([
      "daemon: RSS after 20 cycles, binary read into the page cache first (peak; anonymous)",
      `${fmt(warm.rssMiB)} MiB (${fmt(warm.hwmMiB)}; ${fmt(warm.anonMiB)})`,
      "",
      "",
    ]);
    rows.push(["10,000 datums: requests", String(many.requests), "≤ 10", verdict(many.requests <= 10)]);
    rows.push([
      "10,000 datums: CPU (warm; first cycle)",
      `${fmt(many.cpuMs)} ms (${fmt(many.coldCpuMs)} ms)`,
      "≤ 150 ms",
      verdict(many.cpuMs <= 150),
    ]);
    rows.push(["10,000 datums: wall (warm)", `${fmt(many.wallMs)} ms`, "", ""]);
  } finally {
    await fake.stop();
  }
  const cpuModel = /model name\s*:\s*(.+)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const out = [
    `Benchmark ${new Date().toISOString().slice(0, 10)}, Bun ${Bun.version}, ${cpuModel}, ${navigator.hardwareConcurrency} cores`,
    "",
    "| measure | result | target | |",
    "|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
  process.stdout.write(`${out}\n`);
}

await main();
