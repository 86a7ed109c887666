/**
 * The metrics file (`METRICS_CONFIG_FILE`, `--config`): many metrics, each with a source.
 * Validated with valibot; every problem names its JSON path (`metrics[2].source.command`).
 */
import * as v from "valibot";
import { MAX_DIMENSIONS_PER_DATUM, STORAGE_RESOLUTIONS, UNITS, type Unit } from "../cloudwatch/limits.ts";
import type { Dimension } from "../datum.ts";
import { ConfigError } from "../errors.ts";
import { HOST_METRIC_NAMES } from "../sources/host-names.ts";
import {
  dimensionNameProblem,
  dimensionValueProblem,
  follows,
  metricNameProblem,
  namespaceProblem,
  unitProblem,
  valueProblem,
} from "./rules.ts";

const finite = v.pipe(
  v.number(),
  v.check(
    (n) => valueProblem(n) === undefined,
    (i) => valueProblem(Number(i.input)) ?? "is not allowed",
  ),
);

const StaticSource = v.strictObject({ type: v.literal("static"), value: finite });
const RandomSource = v.pipe(
  v.strictObject({
    type: v.literal("random"),
    min: v.optional(v.pipe(v.number(), v.integer()), 1),
    max: v.optional(v.pipe(v.number(), v.integer()), 100),
  }),
  v.check((s) => s.min <= s.max, "min must not be greater than max"),
);
const HeartbeatSource = v.strictObject({ type: v.literal("heartbeat") });
const HostSource = v.strictObject({
  type: v.literal("host"),
  metrics: v.optional(
    v.pipe(
      v.array(
        v.picklist(
          HOST_METRIC_NAMES,
          (i) => `${JSON.stringify(i.input)} is not a host metric (allowed: ${HOST_METRIC_NAMES.join(", ")})`,
        ),
      ),
      v.minLength(1),
    ),
    HOST_METRIC_NAMES,
  ),
  paths: v.optional(
    v.pipe(v.array(v.pipe(v.string(), v.startsWith("/", "must be an absolute path"))), v.minLength(1)),
    ["/"],
  ),
});
const TIMEOUT_RULE = "must be a whole number of seconds from 1 to 3600";
const CommandSource = v.strictObject({
  type: v.literal("command"),
  command: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1, "needs the executable")),
  timeoutSeconds: v.optional(
    v.pipe(v.number(), v.integer(TIMEOUT_RULE), v.minValue(1, TIMEOUT_RULE), v.maxValue(3_600, TIMEOUT_RULE)),
    10,
  ),
});

const SourceSchema = v.variant(
  "type",
  [StaticSource, RandomSource, HeartbeatSource, HostSource, CommandSource],
  (i) =>
    `${JSON.stringify(i.input)} is not a source type (allowed: static, random, heartbeat, host, command)`,
);

const DimensionsSchema = v.pipe(
  v.record(v.string(), v.string()),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const entries = Object.entries(dataset.value);
    if (entries.length > MAX_DIMENSIONS_PER_DATUM)
      addIssue({
        message: `has ${entries.length} dimensions (allowed: at most ${MAX_DIMENSIONS_PER_DATUM})`,
      });
    for (const [name, value] of entries) {
      const problem = dimensionNameProblem(name) ?? dimensionValueProblem(value);
      if (problem) addIssue({ message: `${JSON.stringify(name)} ${problem}` });
    }
  }),
);

const MetricSchema = v.pipe(
  v.strictObject({
    name: v.optional(v.pipe(v.string(), follows(metricNameProblem))),
    namespace: v.optional(v.pipe(v.string(), follows(namespaceProblem))),
    unit: v.optional(v.picklist(UNITS, (i) => unitProblem(String(i.input)) ?? "is not a CloudWatch unit")),
    dimensions: v.optional(DimensionsSchema, {}),
    storageResolution: v.optional(v.picklist(STORAGE_RESOLUTIONS)),
    source: SourceSchema,
  }),
  v.forward(
    v.check(
      (m) => m.source.type === "host" || m.source.type === "command" || m.name !== undefined,
      "is required for static, random and heartbeat sources",
    ),
    ["name"],
  ),
  v.forward(
    v.check(
      (m) => m.source.type !== "host" || m.name === undefined,
      "is not used by a host source (its metrics have their own names)",
    ),
    ["name"],
  ),
);

export const MetricsFileSchema = v.strictObject({
  $schema: v.optional(v.string()),
  /** The namespace of every metric that does not name its own (default: METRIC_NAMESPACE). */
  namespace: v.optional(v.pipe(v.string(), follows(namespaceProblem))),
  /** Publish the METRIC_* metric too (default: the file replaces it). */
  includeEnvMetric: v.optional(v.boolean(), false),
  metrics: v.pipe(v.array(MetricSchema), v.minLength(1, "needs at least one metric")),
});

export type SourceSpec = v.InferOutput<typeof SourceSchema>;

/** One metric of the file, with defaults applied. */
export interface MetricSpec {
  readonly name: string | undefined;
  readonly namespace: string;
  readonly unit: Unit | undefined;
  readonly dimensions: readonly Dimension[];
  readonly storageResolution: (typeof STORAGE_RESOLUTIONS)[number];
  readonly source: SourceSpec;
}

export interface MetricsFile {
  readonly includeEnvMetric: boolean;
  readonly metrics: readonly MetricSpec[];
}

/** `metrics[2].source.command` from a valibot issue path. */
function jsonPath(issue: v.BaseIssue<unknown>): string {
  let path = "";
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    path += typeof key === "number" ? `[${key}]` : path === "" ? String(key) : `.${String(key)}`;
  }
  return path || "(the file)";
}

/** Parses and validates the file's text; one ConfigError lists every problem with its path. */
export function parseMetricsFile(text: string, file: string, defaults: { namespace: string }): MetricsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${file}: not valid JSON (${error instanceof Error ? error.message : error})`]);
  }
  const parsed = v.safeParse(MetricsFileSchema, json, { abortPipeEarly: true });
  if (!parsed.success) {
    throw new ConfigError(
      parsed.issues.map((i) => {
        // strictObject reports an unexpected key as "expected never", a missing one as received
        // undefined: say both plainly.
        const message =
          i.expected === "never"
            ? "is not a known key here"
            : i.received === "undefined"
              ? "is required"
              : i.message;
        return `${file}: ${jsonPath(i)}: ${message}`;
      }),
    );
  }
  const root = parsed.output;
  return {
    includeEnvMetric: root.includeEnvMetric,
    metrics: root.metrics.map((m) => ({
      name: m.name,
      namespace: m.namespace ?? root.namespace ?? defaults.namespace,
      unit: m.unit,
      dimensions: Object.entries(m.dimensions).map(([name, value]) => ({ name, value })),
      storageResolution: m.storageResolution ?? 60,
      source: m.source,
    })),
  };
}
