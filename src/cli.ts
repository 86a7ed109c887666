import { UsageError } from "./errors.ts";

export type Command = "run" | "once" | "validate" | "healthcheck" | "help" | "version";

export interface Invocation {
  readonly command: Command;
  readonly dryRun: boolean;
  /** `--config PATH`: the metrics file (overrides METRICS_CONFIG_FILE). */
  readonly config?: string | undefined;
}

export const EXIT = {
  ok: 0,
  publishFailed: 1,
  unhealthy: 1,
  badConfig: 2,
  noCredentials: 3,
  internal: 70,
} as const;

export function helpText(version: string): string {
  return `cloudwatch-publisher ${version}
Publishes a metric to Amazon CloudWatch now and at every interval boundary.

Usage:
  cloudwatch-publisher [run] [--dry-run]   publish now, then every PUBLISH_INTERVAL_SECONDS
                                           (aligned to the clock: :00 of each minute by default)
  cloudwatch-publisher once [--dry-run]    publish one cycle and exit (for cron)
  cloudwatch-publisher validate            check configuration and credentials, show what a
                                           cycle would send; sends nothing
  cloudwatch-publisher healthcheck         exit 0 if the last successful publish is recent
                                           (for Docker HEALTHCHECK / Kubernetes exec probes)
  cloudwatch-publisher --help | --version

Options:
  --dry-run       print each PutMetricData request as one JSON line on stdout instead of
                  sending it (logs go to stderr); needs no credentials or region
  --config PATH   a JSON metrics file (as METRICS_CONFIG_FILE): many metrics and sources

Configuration (environment):
  AWS_REGION                  region (or AWS_DEFAULT_REGION, the AWS profile's region, or
                              on EC2 the instance's region from metadata)
  METRIC_NAMESPACE            default CustomMetrics; not starting with "AWS/" or ":"
  METRIC_NAME                 default TestMetric
  METRIC_VALUE                default: a random integer 1-100 each cycle
  METRIC_UNIT                 default Count; one of CloudWatch's 27 units
  METRIC_DIMENSIONS           Name=Value,Name2=Value2 (at most 30)
  METRIC_EC2_DIMENSIONS       InstanceId,InstanceType,ImageId,AvailabilityZone,
                              AutoScalingGroupName: from EC2 instance metadata
  METRIC_STORAGE_RESOLUTION   60 (default) or 1 (high resolution)
  METRICS_CONFIG_FILE         a JSON file of metrics (static, random, heartbeat, host, command)
  PUBLISH_SINK                cloudwatch (default) or emf (Embedded Metric Format on stdout)
  PUBLISH_INTERVAL_SECONDS    1-86400, default 60
  PUBLISH_RETRIES             0-10, default 3 (retries of throttling, 5xx, network errors)
  PUBLISH_BUFFER_MAX          undelivered datapoints kept in memory (default: 24 h worth)
  PUBLISH_SPOOL_DIR           keep undelivered datapoints on disk across restarts
  PUBLISH_HEALTH_FILE         default /tmp/cloudwatch-publisher.health (for healthcheck)
  LOG_FORMAT                  json (default) or text
  LOG_LEVEL                   debug, info (default), warn, error
Credentials, endpoint (AWS_ENDPOINT_URL_CLOUDWATCH) and proxy (HTTPS_PROXY, NO_PROXY)
follow the AWS SDK's conventions.

Exit codes:
  0   success (and after SIGTERM/SIGINT)
  1   publish failed after retries (once); unhealthy (healthcheck)
  2   bad configuration or command line (nothing was sent)
  3   no AWS credentials found
  70  internal error (a bug: please report it)
`;
}

/** Parses the arguments after the program name. */
export function parseArgs(argv: readonly string[]): Invocation {
  let command: Command | undefined;
  let dryRun = false;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    if (arg === "--help" || arg === "-h" || arg === "help") return { command: "help", dryRun };
    if (arg === "--version" || arg === "-V" || arg === "version") return { command: "version", dryRun };
    if (arg === "--dry-run") dryRun = true;
    else if (arg === "--config" || arg.startsWith("--config=")) {
      config = arg === "--config" ? argv[++i] : arg.slice("--config=".length);
      if (!config) throw new UsageError("--config needs the path of a metrics file");
    } else if (arg === "run" || arg === "once" || arg === "validate" || arg === "healthcheck") {
      if (command !== undefined)
        throw new UsageError(`only one command may be given (got "${command}" and "${arg}")`);
      command = arg;
    } else if (arg.startsWith("-")) throw new UsageError(`unknown option "${arg}" (see --help)`);
    else
      throw new UsageError(
        `unknown command "${arg}" (commands: run, once, validate, healthcheck; see --help)`,
      );
  }
  const resolved = command ?? "run";
  if (dryRun && (resolved === "validate" || resolved === "healthcheck")) {
    throw new UsageError(`--dry-run goes with run or once; ${resolved} never sends anything`);
  }
  return { command: resolved, dryRun, ...(config === undefined ? {} : { config }) };
}
