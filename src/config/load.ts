import * as v from "valibot";
import { MAX_DIMENSIONS_PER_DATUM, type StorageResolution, type Unit } from "../cloudwatch/limits.ts";
import type { Dimension } from "../datum.ts";
import type { Ec2Dimension } from "../ec2-dimensions.ts";
import { ConfigError } from "../errors.ts";
import { closest } from "../similar.ts";
import { EnvSchema, KNOWN_VARIABLES, RegionSchema } from "./schema.ts";

export type Env = Readonly<Record<string, string | undefined>>;
export type LogFormat = "json" | "text";
export type LogLevel = "debug" | "info" | "warn" | "error";

export interface Config {
  /** Undefined only in `--dry-run`, which needs no region. */
  readonly region: string | undefined;
  /** Where the region came from: a variable name, the profile, or instance metadata. */
  readonly regionSource: string | undefined;
  readonly namespace: string;
  readonly metricName: string;
  /** A fixed value, or undefined for a random integer 1–100 each cycle (the seed's behaviour). */
  readonly value: number | undefined;
  readonly unit: Unit;
  readonly dimensions: readonly Dimension[];
  /** Dimensions to add from EC2 instance metadata. */
  readonly ec2Dimensions: readonly Ec2Dimension[];
  readonly storageResolution: StorageResolution;
  readonly intervalSeconds: number;
  readonly retries: number;
  /** The metrics file (`METRICS_CONFIG_FILE`, or `--config`), if any. */
  readonly metricsFile: string | undefined;
  /** Where datums go: PutMetricData, or Embedded Metric Format lines on stdout. */
  readonly sink: "cloudwatch" | "emf";
  /** Most undelivered datums kept; undefined for the default (24 h of datums). */
  readonly bufferMax: number | undefined;
  /** Where undelivered datums are kept across restarts, if anywhere. */
  readonly spoolDir: string | undefined;
  /** Where the last successful publish is recorded for the `healthcheck` command. */
  readonly healthFile: string;
  readonly logFormat: LogFormat;
  readonly logLevel: LogLevel;
}

export interface LoadOptions {
  /** A region found elsewhere (the AWS profile, instance metadata) and where it came from. */
  readonly fallbackRegion?: { readonly region: string; readonly source: string } | undefined;
  /** `--dry-run` sends nothing, so it does not need a region. */
  readonly requireRegion: boolean;
}

const PREFIXES = ["METRIC_", "METRICS_", "PUBLISH_"];

/** Warnings for set `METRIC_*`/`PUBLISH_*` variables the publisher does not read (typos). */
export function unknownVariables(env: Env): string[] {
  return Object.keys(env)
    .filter((name) => PREFIXES.some((p) => name.startsWith(p)) && !KNOWN_VARIABLES.includes(name))
    .sort()
    .map((name) => {
      const guess =
        closest(name, KNOWN_VARIABLES, 4) ??
        KNOWN_VARIABLES.find((known) => known.startsWith(name) || name.startsWith(known));
      const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
      return `${name} is not a variable cloudwatch-publisher reads and is ignored${hint}`;
    });
}

function resolveRegion(env: Env, options: LoadOptions, problems: string[]) {
  const candidates: [string, string | undefined][] = [
    ["AWS_REGION", env.AWS_REGION],
    ["AWS_DEFAULT_REGION", env.AWS_DEFAULT_REGION],
  ];
  if (options.fallbackRegion) candidates.push([options.fallbackRegion.source, options.fallbackRegion.region]);
  const found = candidates.find(([, value]) => value !== undefined);
  if (found === undefined) {
    if (options.requireRegion) {
      problems.push(
        "AWS_REGION: not set, and no region in AWS_DEFAULT_REGION, the AWS profile or EC2 instance metadata (set AWS_REGION, e.g. AWS_REGION=ap-southeast-2)",
      );
    }
    return { region: undefined, regionSource: undefined };
  }
  const [source, raw] = found;
  const parsed = v.safeParse(RegionSchema, raw, { abortPipeEarly: true });
  if (!parsed.success) {
    for (const issue of parsed.issues) problems.push(`${source}: ${issue.message}`);
    return { region: undefined, regionSource: source };
  }
  return { region: parsed.output, regionSource: source };
}

/**
 * Reads and validates the publisher's configuration from `env`. Throws one ConfigError that
 * lists every problem, each naming its variable, the bad value and what is allowed.
 */
export function loadConfig(env: Env, options: LoadOptions): Config {
  const problems: string[] = [];
  const { region, regionSource } = resolveRegion(env, options, problems);
  const input = Object.fromEntries(KNOWN_VARIABLES.map((name) => [name, env[name]]));
  // One message per variable from its pipe (the first rule it breaks); all variables are checked.
  const parsed = v.safeParse(EnvSchema, input, { abortPipeEarly: true });
  if (!parsed.success) {
    for (const issue of parsed.issues) {
      const key = issue.path?.[0]?.key;
      problems.push(`${typeof key === "string" ? key : "configuration"}: ${issue.message}`);
    }
  }
  if (parsed.success) {
    const total =
      (parsed.output.METRIC_DIMENSIONS?.length ?? 0) + (parsed.output.METRIC_EC2_DIMENSIONS?.length ?? 0);
    if (total > MAX_DIMENSIONS_PER_DATUM)
      problems.push(
        `METRIC_EC2_DIMENSIONS: with METRIC_DIMENSIONS that makes ${total} dimensions (allowed: at most ${MAX_DIMENSIONS_PER_DATUM})`,
      );
    const clash = parsed.output.METRIC_DIMENSIONS?.find((d) =>
      (parsed.output.METRIC_EC2_DIMENSIONS as readonly string[] | undefined)?.includes(d.name),
    );
    if (clash) problems.push(`METRIC_EC2_DIMENSIONS: ${clash.name} is also set in METRIC_DIMENSIONS`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const e = parsed.output;
  const config: Config = {
    region,
    regionSource,
    namespace: e.METRIC_NAMESPACE,
    metricName: e.METRIC_NAME,
    value: e.METRIC_VALUE,
    unit: e.METRIC_UNIT,
    dimensions: Object.freeze(e.METRIC_DIMENSIONS ?? []),
    ec2Dimensions: Object.freeze(e.METRIC_EC2_DIMENSIONS ?? []),
    storageResolution: e.METRIC_STORAGE_RESOLUTION,
    intervalSeconds: e.PUBLISH_INTERVAL_SECONDS,
    retries: e.PUBLISH_RETRIES,
    metricsFile: e.METRICS_CONFIG_FILE,
    sink: e.PUBLISH_SINK,
    bufferMax: e.PUBLISH_BUFFER_MAX,
    spoolDir: e.PUBLISH_SPOOL_DIR,
    healthFile: e.PUBLISH_HEALTH_FILE,
    logFormat: e.LOG_FORMAT,
    logLevel: e.LOG_LEVEL,
  };
  return Object.freeze(config);
}
