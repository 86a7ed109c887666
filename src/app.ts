import { Backlog, defaultBufferMax } from "./backlog.ts";
import type { Invocation } from "./cli.ts";
import type { Clock } from "./clock.ts";
import type { CloudWatch, CloudWatchOptions } from "./cloudwatch/client.ts";
import type { MetricsFile } from "./config/file.ts";
import { type Config, type Env, loadConfig, unknownVariables } from "./config/load.ts";
import { resolveCredentials } from "./credentials.ts";
import type { Imds } from "./ec2.ts";
import { ConfigError } from "./errors.ts";
import { DEFAULT_HEALTH_FILE, type HealthFiles, HealthRecorder, healthThresholdMs, judge } from "./health.ts";
import { ec2Dimensions, findRegion } from "./instance.ts";
import type { Logger } from "./log.ts";
import { finish, type Pipeline, runCycle, runLoop } from "./run.ts";
import { cloudWatchSink, describeError } from "./sinks/cloudwatch.ts";
import { dryRunSink } from "./sinks/dry-run.ts";
import type { Sink } from "./sinks/sink.ts";
import { envMetricSource } from "./sources/env-metric.ts";
import type { Source } from "./sources/source.ts";
import type { Spool, SpoolFiles } from "./spool.ts";

/** Everything the program touches, passed in by main (or by a test). */
export interface AppDeps {
  readonly env: Env;
  readonly version: string;
  readonly out: (line: string) => void;
  readonly log: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  readonly stop: AbortSignal;
  readonly abort: AbortSignal;
  readonly createCloudWatch: (options: CloudWatchOptions) => CloudWatch;
  readonly profileRegion: () => Promise<string | undefined>;
  /** EC2 instance metadata, or undefined when disabled (AWS_EC2_METADATA_DISABLED). */
  readonly imds: Imds | undefined;
  readonly files: HealthFiles;
  readonly spoolFiles: SpoolFiles;
  readonly readText: (path: string) => Promise<string>;
  /** Secret values the logger must never print; credentials found are added here. */
  readonly secrets: Set<string>;
}

export type Outcome = "ok" | "publishFailed" | "unhealthy";

/** Time one attempt may wait for an answer before it is retried. */
const attemptTimeoutMs = (config: Config) =>
  Math.min(10_000, Math.max(1_000, (config.intervalSeconds * 1000) / 2));

function summary(config: Config) {
  return {
    namespace: config.namespace,
    metric: config.metricName,
    value: config.value ?? "random 1-100",
    unit: config.unit,
    dimensions: Object.fromEntries(config.dimensions.map((d) => [d.name, d.value])),
    storageResolution: config.storageResolution,
    intervalSeconds: config.intervalSeconds,
    retries: config.retries,
  };
}

/** `healthcheck`: judges the health file the publisher keeps; needs no other configuration. */
export async function healthcheck(d: AppDeps): Promise<Outcome> {
  const path = d.env.PUBLISH_HEALTH_FILE?.trim() || DEFAULT_HEALTH_FILE;
  const verdict = judge(await d.files.read(path), d.clock.now());
  d.out(`${verdict.healthy ? "healthy" : "unhealthy"}: ${verdict.reason}`);
  return verdict.healthy ? "ok" : "unhealthy";
}

/** METRIC_* variables a metrics file makes unused: worth a warning. */
const ENV_METRIC_VARIABLES = ["METRIC_NAME", "METRIC_VALUE", "METRIC_UNIT", "METRIC_DIMENSIONS"];

async function readMetricsFile(path: string, config: Config, d: AppDeps): Promise<MetricsFile> {
  let text: string;
  try {
    text = await d.readText(path);
  } catch (error) {
    const reason =
      (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError([`METRICS_CONFIG_FILE: cannot read ${JSON.stringify(path)} (${reason})`]);
  }
  const { parseMetricsFile } = await import("./config/file.ts");
  const file = parseMetricsFile(text, path, { namespace: config.namespace });
  const unused = ENV_METRIC_VARIABLES.filter((n) => d.env[n] !== undefined);
  if (!file.includeEnvMetric && unused.length > 0) {
    d.log.warn(
      `${unused.join(", ")} ${unused.length > 1 ? "are" : "is"} set, but the metrics file replaces the METRIC_* metric (add "includeEnvMetric": true to the file to publish it too)`,
    );
  }
  return file;
}

/** The cycle's source: the metrics file's metrics, the METRIC_* metric, or both. */
async function buildSource(config: Config, file: MetricsFile | undefined, d: AppDeps): Promise<Source> {
  const envMetric = envMetricSource(config, d.random);
  if (!file) return envMetric;
  // Loaded only with a metrics file: the common case starts without them.
  const { combine, sourceOf } = await import("./sources/index.ts");
  const sources = file.metrics.map((m) => sourceOf(m, d.log, d.random));
  return combine(file.includeEnvMetric ? [...sources, envMetric] : sources, d.log);
}

/**
 * Runs one invocation to its end. Throws ConfigError / CredentialsError for main to map to
 * exit codes; returns whether publishing succeeded.
 */
export async function runApp(inv: Invocation, d: AppDeps): Promise<Outcome> {
  if (inv.command === "healthcheck") return healthcheck(d);
  const emf = d.env.PUBLISH_SINK?.trim() === "emf";
  const needsAws = !inv.dryRun && !emf;
  const hasRegion = d.env.AWS_REGION !== undefined || d.env.AWS_DEFAULT_REGION !== undefined;
  const fallbackRegion =
    needsAws && !hasRegion ? await findRegion(d.profileRegion, d.imds, d.log) : undefined;
  const warnings = unknownVariables(d.env);
  const loaded = loadConfig(d.env, { fallbackRegion, requireRegion: needsAws });
  for (const w of warnings) d.log.warn(w);
  const config: Config = {
    ...loaded,
    metricsFile: inv.config ?? loaded.metricsFile,
    dimensions: [...loaded.dimensions, ...(await ec2Dimensions(loaded, d.imds))],
  };
  const file = config.metricsFile ? await readMetricsFile(config.metricsFile, config, d) : undefined;
  const source = await buildSource(config, file, d);

  const intervalMs = config.intervalSeconds * 1000;
  const perCycle = file
    ? (await import("./sources/index.ts")).datumsPerCycle(file) + (file.includeEnvMetric ? 1 : 0)
    : 1;
  const backlog = new Backlog(config.bufferMax ?? defaultBufferMax(config.intervalSeconds, perCycle), d.log);
  const cw = needsAws
    ? d.createCloudWatch({
        region: config.region ?? "",
        retries: config.retries,
        attemptTimeoutMs: attemptTimeoutMs(config),
        onRetry: (e) =>
          d.log.warn("retrying", {
            attempt: e.attempt,
            delayMs: e.delayMs,
            reason: e.errorType,
            ...describeError(e.error),
          }),
        onGiveUp: (reason) => d.log.debug("not retrying", { reason }),
      })
    : undefined;
  const credentials = cw ? await resolveCredentials(cw, d) : undefined;
  const endpoint = cw ? await cw.endpoint() : undefined;

  if (inv.command === "validate") {
    const { printReport } = await import("./validate.ts");
    await printReport(
      {
        version: d.version,
        config,
        metricsFile: config.metricsFile,
        sink: config.sink,
        endpoint,
        credentials,
        warnings,
        sample: await source(d.clock.now()),
      },
      d.out,
    );
    return "ok";
  }

  d.log.info(inv.dryRun ? "starting (dry run: nothing is sent)" : "starting", {
    version: d.version,
    command: inv.command,
    sink: inv.dryRun ? "dry-run" : config.sink,
    ...(config.region ? { region: config.region, regionSource: config.regionSource } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(credentials ? { credentials: credentials.source } : {}),
    ...(file ? { metricsFile: config.metricsFile, metrics: file.metrics.length } : summary(config)),
    intervalSeconds: config.intervalSeconds,
    bufferMax: backlog.max,
    spool: config.spoolDir ?? "off",
  });
  let sink: Sink;
  if (inv.dryRun) sink = await withEstimate(dryRunSink(d.out), config.intervalSeconds, d.log);
  else if (cw && endpoint) sink = cloudWatchSink(cw.putMetricData, d.log, endpoint, d.clock.now);
  else sink = (await import("./sinks/emf.ts")).emfSink(d.out);
  let pipeline: Pipeline = { source, sink, clock: d.clock, log: d.log, backlog };
  if (!inv.dryRun) {
    // A dry run delivers nothing, so it keeps no spool and never claims health.
    const spool = config.spoolDir ? await openSpool(config.spoolDir, backlog, d) : undefined;
    const health = await HealthRecorder.open(
      config.healthFile,
      d.files,
      d.clock.now(),
      healthThresholdMs(intervalMs, config.retries, attemptTimeoutMs(config)),
      (error) =>
        d.log.warn(
          "cannot write the health file; healthcheck will report unhealthy (a read-only container needs a writable /tmp: --tmpfs /tmp)",
          { path: config.healthFile, ...describeError(error) },
        ),
    );
    pipeline = {
      ...pipeline,
      spool,
      afterCycle: (result, at) => health.record(at, result.undelivered === 0),
    };
  }

  if (inv.command === "once") {
    const now = d.clock.now();
    const result = await runCycle(pipeline, now, now + intervalMs, d.abort);
    // Cron's next run retries only what a spool kept; without one the rest is reported lost.
    await finish(pipeline, d.abort, false);
    return result.undelivered === 0 || d.stop.aborted ? "ok" : "publishFailed";
  }
  const cycles = await runLoop(pipeline, { intervalMs, stop: d.stop, abort: d.abort });
  d.log.info("stopped", { cycles });
  return "ok";
}

/** A dry run's sink that logs the cost estimate from the first cycle it is given. */
async function withEstimate(sink: Sink, intervalSeconds: number, log: Logger): Promise<Sink> {
  const { describeEstimate, estimate } = await import("./cost.ts");
  let done = false;
  return {
    publish(datums, options) {
      if (!done) {
        done = true;
        const e = estimate(datums, intervalSeconds);
        log.info(`estimate: ${describeEstimate(e)}`, { ...e });
      }
      return sink.publish(datums, options);
    },
  };
}

/** Opens the spool and puts what an earlier run left undelivered into the backlog. */
async function openSpool(dir: string, backlog: Backlog, d: AppDeps): Promise<Spool> {
  const { Spool } = await import("./spool.ts");
  const { spool, recovered } = await Spool.open(dir, d.spoolFiles, d.log, backlog.max, d.clock.now);
  backlog.add(recovered);
  return spool;
}
