/**
 * Child process of the benchmark: one cycle of 10,000 datums through the real sink and SDK to
 * the fake endpoint at BENCH_ENDPOINT, with the binary's JIT policy, measuring only this
 * process's CPU (the fake runs in the parent). Prints one JSON line per round.
 */
import { createCloudWatch } from "../src/cloudwatch/client.ts";
import type { Datum } from "../src/datum.ts";
import { createLogger } from "../src/log.ts";
import { cloudWatchSink } from "../src/sinks/cloudwatch.ts";
import { TEST_CREDENTIALS, TEST_REGION } from "../test/support/fake-cloudwatch.ts";
import { JIT_POLICY } from "./build.ts";

Bun.unsafe.setJITPolicy(JIT_POLICY);
const endpoint = process.env.BENCH_ENDPOINT ?? "";
const log = createLogger({ format: "json", level: "warn", out: () => {}, err: () => {} });
const cw = createCloudWatch({
  region: TEST_REGION,
  retries: 3,
  attemptTimeoutMs: 10_000,
  endpoint,
  credentials: TEST_CREDENTIALS,
});
const sink = cloudWatchSink(cw.putMetricData, log, endpoint);

for (let round = 0; round < 4; round++) {
  const now = Date.now();
  const datums: Datum[] = Array.from({ length: 10_000 }, (_, i) => ({
    namespace: "Bench/Many",
    metricName: `m${i % 250}`,
    value: i,
    unit: "Count",
    timestamp: now,
    dimensions: [{ name: "Host", value: `host-${i % 40}` }],
    storageResolution: 60,
  }));
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await sink.publish(datums, { signal: new AbortController().signal, deadline: now + 60_000 });
  const used = process.cpuUsage(cpu);
  process.stdout.write(
    `${JSON.stringify({
      round,
      cpuMs: (used.user + used.system) / 1000,
      wallMs: performance.now() - started,
      requests: result.requests,
      delivered: result.delivered,
    })}\n`,
  );
}
