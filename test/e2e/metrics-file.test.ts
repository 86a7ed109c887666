/** The binary with a metrics file: many sources, one timestamp, fewest requests; EMF; validate. */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkEmf } from "../support/emf.ts";
import { FakeCloudWatch } from "../support/fake-cloudwatch.ts";
import { cleanEnv, fakeEnv, jsonLines, run } from "../support/program.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), "cwp-file-")), "metrics.json");
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const METRICS = {
  namespace: "E2E/File",
  metrics: [
    { name: "Alive", source: { type: "heartbeat" } },
    {
      name: "Fixed",
      unit: "Percent",
      dimensions: { Service: "web" },
      source: { type: "static", value: 12.5 },
    },
    { name: "Dice", source: { type: "random", min: 1, max: 6 } },
    {
      namespace: "E2E/Jobs",
      source: { type: "command", command: ["printf", "ready 4\\ninflight 2 Count\\n"] },
    },
    { source: { type: "host", metrics: ["mem_used_percent", "disk_used_percent"], paths: ["/"] } },
    { name: "Broken", source: { type: "command", command: ["sh", "-c", "echo oops >&2; exit 1"] } },
  ],
};

test("--config: every source, one shared timestamp, one request per namespace; a failing command skips only itself", async () => {
  const r = await run("binary", ["once", "--config", file(METRICS)], fakeEnv(fake.url));
  expect(r.code).toBe(0);
  const names = fake.accepted.map((a) => `${a.namespace}/${a.metricName}`).sort();
  expect(names).toEqual([
    "E2E/File/Alive",
    "E2E/File/Dice",
    "E2E/File/Fixed",
    "E2E/File/disk_used_percent",
    "E2E/File/mem_used_percent",
    "E2E/Jobs/inflight",
    "E2E/Jobs/ready",
  ]);
  expect(new Set(fake.accepted.map((a) => a.timestamp)).size).toBe(1);
  expect(fake.requests.filter((q) => q.status === 200)).toHaveLength(2);
  const dice = fake.accepted.find((a) => a.metricName === "Dice")?.value ?? 0;
  expect(dice >= 1 && dice <= 6).toBe(true);
  expect(fake.accepted.find((a) => a.metricName === "Fixed")).toMatchObject({
    value: 12.5,
    unit: "Percent",
    dimensions: [{ Name: "Service", Value: "web" }],
  });
  expect(
    fake.accepted.find((a) => a.metricName === "disk_used_percent")?.dimensions.map((d) => d.Name),
  ).toEqual(["path", "fstype"]);
  expect(jsonLines(r.stderr)).toContainEqual(
    expect.objectContaining({
      msg: "command for Broken failed: exit code 1; skipped this cycle",
      stderr: "oops",
    }),
  );
});

test("METRICS_CONFIG_FILE with includeEnvMetric publishes the METRIC_* metric too; without it, a warning", async () => {
  const path = file({ includeEnvMetric: true, metrics: [{ name: "Alive", source: { type: "heartbeat" } }] });
  const r = await run(
    "binary",
    ["once"],
    fakeEnv(fake.url, { METRICS_CONFIG_FILE: path, METRIC_VALUE: "9" }),
  );
  expect(r.code).toBe(0);
  expect(fake.accepted.map((a) => a.metricName).sort()).toEqual(["Alive", "TestMetric"]);
  fake.reset();
  const replaced = await run(
    "binary",
    ["once"],
    fakeEnv(fake.url, {
      METRICS_CONFIG_FILE: file({ metrics: [{ name: "Alive", source: { type: "heartbeat" } }] }),
      METRIC_VALUE: "9",
    }),
  );
  expect(fake.accepted.map((a) => a.metricName)).toEqual(["Alive"]);
  expect(String(jsonLines(replaced.stderr)[0]?.msg)).toContain(
    'METRIC_VALUE is set, but the metrics file replaces the METRIC_* metric (add "includeEnvMetric": true',
  );
});

test("PUBLISH_SINK=emf writes valid EMF lines to stdout, needs no credentials, sends nothing", async () => {
  const r = await run("binary", ["once", "--config", file(METRICS)], cleanEnv({ PUBLISH_SINK: "emf" }));
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const line of lines) expect(checkEmf(line)).toEqual([]);
  const metrics = lines.flatMap((l) =>
    JSON.parse(l)._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name),
  );
  expect(metrics.sort()).toEqual([
    "Alive",
    "Dice",
    "Fixed",
    "disk_used_percent",
    "inflight",
    "mem_used_percent",
    "ready",
  ]);
  expect(fake.requests).toHaveLength(0);
  expect(jsonLines(r.stderr).map((l) => l.msg)).toContain("published");
});

test("validate and --dry-run show the number of metrics, requests per cycle and the monthly cost", async () => {
  const path = file(METRICS);
  const v = await run("binary", ["validate", "--config", path], fakeEnv(fake.url));
  expect(v.code).toBe(0);
  expect(v.stdout).toContain(
    "estimate            7 metric(s), 2 request(s) per cycle (89,280 a month): about $2.99 a month at list prices (metrics $2.10, requests $0.89 before the free tier)",
  );
  expect(fake.requests).toHaveLength(0);
  const d = await run("binary", ["once", "--dry-run", "--config", path], cleanEnv());
  expect(d.stdout.trim().split("\n")).toHaveLength(2);
  expect(jsonLines(d.stderr).find((l) => String(l.msg).startsWith("estimate: "))).toMatchObject({
    metrics: 7,
    requestsPerCycle: 2,
  });
});

test("a bad metrics file exits 2 with each problem's JSON path; nothing is sent", async () => {
  const path = file({ metrics: [{ name: "X", source: { type: "command", command: [] } }] });
  const r = await run("binary", ["once", "--config", path], fakeEnv(fake.url));
  expect(r.code).toBe(2);
  expect(String(jsonLines(r.stderr)[0]?.msg)).toBe(
    `invalid configuration: ${path}: metrics[0].source.command: needs the executable`,
  );
  const missing = await run("binary", ["once", "--config", "/nonexistent/metrics.json"], fakeEnv(fake.url));
  expect(missing.code).toBe(2);
  expect(missing.stderr).toContain(
    'METRICS_CONFIG_FILE: cannot read \\"/nonexistent/metrics.json\\" (ENOENT)',
  );
  expect(fake.requests).toHaveLength(0);
});
