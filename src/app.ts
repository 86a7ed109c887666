import { Backlog, defaultBufferMax } from "./backlog.ts";
import type { Invocation } from "./cli.ts";
import type { Clock } from "./clock.ts";
import type { CloudWatch, CloudWatchOptions, ResolvedCredentials } from "./cloudwatch/client.ts";
import { type Config, type Env, loadConfig, unknownVariables } from "./config/load.ts";
import type { Dimension } from "./datum.ts";
import {
  describe as describeImds,
  type Imds,
  instanceDimensions,
  instanceRegion,
  MetadataError,
} from "./ec2.ts";
import { ConfigError, CredentialsError } from "./errors.ts";
import { DEFAULT_HEALTH_FILE, type HealthFiles, HealthRecorder, healthThresholdMs, judge } from "./health.ts";
import type { Logger } from "./log.ts";
import { finish, type Pipeline, runCycle, runLoop } from "./run.ts";
import { cloudWatchSink, describeError } from "./sinks/cloudwatch.ts";
import { dryRunSink } from "./sinks/dry-run.ts";
import { envMetricSource } from "./sources/env-metric.ts";
import { Spool, type SpoolFiles } from "./spool.ts";

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
  /** Secret values the logger must never print; credentials found are added here. */
  readonly secrets: Set<string>;
}

export type Outcome = "ok" | "publishFailed" | "unhealthy";

/** Time one attempt may wait for an answer before it is retried. */
const attemptTimeoutMs = (config: Config) =>
  Math.min(10_000, Math.max(1_000, (config.intervalSeconds * 1000) / 2));

const maskKey = (id: string) => `****${id.slice(-4)}`;

function credentialsHelp(env: Env): string {
  const hints: string[] = [];
  if (env.AWS_ACCESS_KEY_ID && !env.AWS_SECRET_ACCESS_KEY)
    hints.push("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  if (!env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY)
    hints.push("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
  if (env.AWS_PROFILE)
    hints.push(`profile "${env.AWS_PROFILE}" (AWS_PROFILE) was not found or holds no credentials`);
  if (env.AWS_EC2_METADATA_DISABLED === "true")
    hints.push("EC2 instance metadata is disabled (AWS_EC2_METADATA_DISABLED)");
  return [
    "no AWS credentials found.",
    ...hints.map((h) => `Note: ${h}.`),
    "Tried, in order: environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN);",
    "web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN); shared files (~/.aws/credentials, ~/.aws/config,",
    `profile "${env.AWS_PROFILE ?? "default"}"), SSO and credential_process; the ECS/EKS container credentials endpoint;`,
    "EC2 instance metadata (instance role).",
    "Provide one: an IAM role for the instance/task/pod, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
  ].join(" ");
}

async function resolveCredentials(cw: CloudWatch, d: AppDeps): Promise<ResolvedCredentials> {
  try {
    const c = await cw.credentials();
    d.secrets.add(c.secretAccessKey);
    if (c.sessionToken) d.secrets.add(c.sessionToken);
    return c;
  } catch (error) {
    d.log.debug("credential chain failed", describeError(error));
    throw new CredentialsError(credentialsHelp(d.env), { cause: error });
  }
}

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

async function validate(
  d: AppDeps,
  config: Config,
  warnings: readonly string[],
  cw: CloudWatch,
): Promise<Outcome> {
  const endpoint = await cw.endpoint();
  const creds = await resolveCredentials(cw, d);
  const dims = config.dimensions.map((x) => `${x.name}=${x.value}`).join(", ");
  const row = (k: string, v: string) => d.out(`  ${k.padEnd(20)}${v}`);
  d.out(`cloudwatch-publisher ${d.version}: configuration is valid`);
  row("region", `${config.region} (from ${config.regionSource})`);
  row("endpoint", endpoint);
  row(
    "credentials",
    `${creds.source}, access key ${maskKey(creds.accessKeyId)}${creds.sessionToken ? ", with session token" : ""}`,
  );
  row("namespace", config.namespace);
  row("metric", config.metricName);
  row("value", config.value === undefined ? "random integer 1-100, new each cycle" : String(config.value));
  row("unit", config.unit);
  row("dimensions", dims === "" ? "(none)" : dims);
  row("storage resolution", config.storageResolution === 1 ? "1 s (high resolution)" : "60 s (standard)");
  row("interval", `${config.intervalSeconds} s, aligned to the clock`);
  row("retries", String(config.retries));
  row("log", `${config.logFormat}, ${config.logLevel}`);
  for (const w of warnings) d.out(`warning: ${w}`);
  const lines: string[] = [];
  const result = await dryRunSink((l) => lines.push(l)).publish(
    await envMetricSource(config, d.random)(d.clock.now()),
    { signal: d.stop, deadline: d.clock.now() },
  );
  d.out(`A cycle sends ${result.requests} request(s) with ${result.delivered} datapoint(s):`);
  for (const l of lines) d.out(l);
  return "ok";
}

/** A region from the AWS profile, else from EC2 instance metadata (fast to fail off EC2). */
async function findRegion(d: AppDeps): Promise<{ region: string; source: string } | undefined> {
  const fromProfile = await d.profileRegion();
  if (fromProfile) return { region: fromProfile, source: "the AWS profile" };
  if (!d.imds) return undefined;
  try {
    return { region: await instanceRegion(d.imds), source: "EC2 instance metadata" };
  } catch (error) {
    d.log.debug("no region from instance metadata", { reason: describeImds(error) });
    return undefined;
  }
}

/** The `METRIC_EC2_DIMENSIONS` values; a dimension metadata cannot give stops the start. */
async function ec2Dimensions(config: Config, d: AppDeps): Promise<Dimension[]> {
  if (config.ec2Dimensions.length === 0) return [];
  if (!d.imds) {
    throw new ConfigError([
      "METRIC_EC2_DIMENSIONS: is set, but instance metadata is disabled (AWS_EC2_METADATA_DISABLED=true)",
    ]);
  }
  try {
    return await instanceDimensions(d.imds, config.ec2Dimensions);
  } catch (error) {
    const message = error instanceof MetadataError ? error.message : describeImds(error);
    throw new ConfigError([`METRIC_EC2_DIMENSIONS: ${message}`], { cause: error });
  }
}

/** `healthcheck`: judges the health file the publisher keeps; needs no other configuration. */
export async function healthcheck(d: AppDeps): Promise<Outcome> {
  const path = d.env.PUBLISH_HEALTH_FILE?.trim() || DEFAULT_HEALTH_FILE;
  const verdict = judge(await d.files.read(path), d.clock.now());
  d.out(`${verdict.healthy ? "healthy" : "unhealthy"}: ${verdict.reason}`);
  return verdict.healthy ? "ok" : "unhealthy";
}

/**
 * Runs one invocation to its end. Throws ConfigError / CredentialsError for main to map to
 * exit codes; returns whether publishing succeeded.
 */
export async function runApp(inv: Invocation, d: AppDeps): Promise<Outcome> {
  if (inv.command === "healthcheck") return healthcheck(d);
  const needsAws = !inv.dryRun;
  const hasRegion = d.env.AWS_REGION !== undefined || d.env.AWS_DEFAULT_REGION !== undefined;
  const fallbackRegion = needsAws && !hasRegion ? await findRegion(d) : undefined;
  const warnings = unknownVariables(d.env);
  const loaded = loadConfig(d.env, { fallbackRegion, requireRegion: needsAws });
  for (const w of warnings) d.log.warn(w);
  const config = { ...loaded, dimensions: [...loaded.dimensions, ...(await ec2Dimensions(loaded, d))] };

  const intervalMs = config.intervalSeconds * 1000;
  const source = envMetricSource(config, d.random);
  const backlog = new Backlog(config.bufferMax ?? defaultBufferMax(config.intervalSeconds, 1), d.log);
  let pipeline: Pipeline;
  if (inv.dryRun) {
    d.log.info("starting (dry run: nothing is sent)", {
      version: d.version,
      command: inv.command,
      ...summary(config),
    });
    pipeline = { source, sink: dryRunSink(d.out), clock: d.clock, log: d.log, backlog };
  } else {
    const cw = d.createCloudWatch({
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
    });
    if (inv.command === "validate") return validate(d, config, warnings, cw);
    const creds = await resolveCredentials(cw, d);
    const endpoint = await cw.endpoint();
    d.log.info("starting", {
      version: d.version,
      command: inv.command,
      region: config.region,
      regionSource: config.regionSource,
      endpoint,
      credentials: creds.source,
      ...summary(config),
      bufferMax: backlog.max,
      spool: config.spoolDir ?? "off",
    });
    const spool = config.spoolDir ? await openSpool(config.spoolDir, backlog, d) : undefined;
    // A dry run delivers nothing, so only this path records health.
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
      source,
      sink: cloudWatchSink(cw.putMetricData, d.log, endpoint, d.clock.now),
      clock: d.clock,
      log: d.log,
      backlog,
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

/** Opens the spool and puts what an earlier run left undelivered into the backlog. */
async function openSpool(dir: string, backlog: Backlog, d: AppDeps): Promise<Spool> {
  const { spool, recovered } = await Spool.open(dir, d.spoolFiles, d.log, backlog.max, d.clock.now);
  backlog.add(recovered);
  return spool;
}
