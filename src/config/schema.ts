import * as v from "valibot";
import { MAX_ABS_VALUE, MAX_DIMENSIONS_PER_DATUM, type Unit } from "../cloudwatch/limits.ts";
import type { Dimension } from "../datum.ts";
import { EC2_DIMENSIONS, type Ec2Dimension } from "../ec2-dimensions.ts";
import { closest } from "../similar.ts";
import {
  dimensionNameProblem,
  dimensionValueProblem,
  follows,
  metricNameProblem,
  namespaceProblem,
  unitProblem,
} from "./rules.ts";
import { DECIMAL, REGION, show } from "./values.ts";

/** A set variable: trimmed, and not empty (an empty value is a mistake, not "use the default"). */
const text = (defaultHint?: string) =>
  v.pipe(
    v.string(),
    v.trim(),
    v.nonEmpty(
      defaultHint === undefined
        ? "is set but empty"
        : `is set but empty (unset it to use the default ${show(defaultHint)})`,
    ),
  );

const integerIn = (min: number, max: number, fallback: string) =>
  v.pipe(
    text(fallback),
    v.regex(/^[+-]?\d+$/, (i) => `${show(i.input)} is not a whole number (allowed: ${min} to ${max})`),
    v.transform(Number),
    v.minValue(min, (i) => `${i.input} is below the minimum (allowed: ${min} to ${max})`),
    v.maxValue(max, (i) => `${i.input} is above the maximum (allowed: ${min} to ${max})`),
  );

const choice = <const T extends readonly string[]>(options: T, fallback: T[number]) =>
  v.pipe(
    text(fallback),
    v.picklist(options, (i) => `${show(i.input)} is not allowed (allowed: ${options.join(", ")})`),
  );

export const DEFAULTS = {
  METRIC_NAMESPACE: "CustomMetrics",
  METRIC_NAME: "TestMetric",
  METRIC_UNIT: "Count",
  METRIC_STORAGE_RESOLUTION: "60",
  PUBLISH_INTERVAL_SECONDS: "60",
  PUBLISH_RETRIES: "3",
  PUBLISH_HEALTH_FILE: "/tmp/cloudwatch-publisher.health",
  LOG_FORMAT: "json",
  LOG_LEVEL: "info",
} as const;

export const RegionSchema = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("is set but empty"),
  v.regex(
    REGION,
    (i) =>
      `${show(i.input)} is not an AWS region (expected a region name such as us-east-1, ap-southeast-2, us-gov-west-1 or cn-north-1)`,
  ),
);

const NamespaceSchema = v.pipe(text(DEFAULTS.METRIC_NAMESPACE), follows(namespaceProblem));

const MetricNameSchema = v.pipe(text(DEFAULTS.METRIC_NAME), follows(metricNameProblem));

const ValueSchema = v.pipe(
  text(),
  v.regex(
    DECIMAL,
    (i) =>
      `${show(i.input)} is not a finite decimal number (allowed: -2^360 to 2^360, e.g. 42 or 0.5; unset it for a random 1-100)`,
  ),
  v.check(
    (s) => Math.abs(Number(s)) <= MAX_ABS_VALUE,
    (i) => `${show(i.input)} is out of range (allowed: -2^360 to 2^360)`,
  ),
  v.transform(Number),
);

const UnitSchema = v.pipe(
  text(DEFAULTS.METRIC_UNIT),
  follows(unitProblem),
  v.transform((s) => s as Unit),
);

/** `Name=Value,Name2=Value2` → dimensions; every problem of every pair is reported. */
const DimensionsSchema = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("is set but empty (unset it for no dimensions)"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const dimensions: Dimension[] = [];
    const seen = new Set<string>();
    const problem = (message: string) => addIssue({ message });
    const pairs = dataset.value.split(",");
    if (pairs.length > MAX_DIMENSIONS_PER_DATUM) {
      problem(`has ${pairs.length} dimensions (allowed: at most ${MAX_DIMENSIONS_PER_DATUM})`);
    }
    for (const [index, pair] of pairs.entries()) {
      const where = `dimension ${index + 1}`;
      const eq = pair.indexOf("=");
      if (eq < 0) {
        problem(`${where} ${show(pair.trim())} is not Name=Value`);
        continue;
      }
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const shown = show(pair.trim());
      const nameProblem = dimensionNameProblem(name);
      if (nameProblem) problem(`${where} ${name === "" ? `${shown} ` : ""}${nameProblem}`);
      else if (seen.has(name)) problem(`${where} name ${show(name)} is repeated (names must be unique)`);
      const valueIssue = dimensionValueProblem(value);
      if (valueIssue) problem(`${where} ${value === "" ? `${shown} ` : ""}${valueIssue}`);
      seen.add(name);
      dimensions.push({ name, value });
    }
    return dataset.issues === undefined ? dimensions : NEVER;
  }),
);

const EC2_NAMES = Object.keys(EC2_DIMENSIONS) as Ec2Dimension[];

/** `InstanceId,InstanceType`: dimensions taken from EC2 instance metadata. */
const Ec2DimensionsSchema = v.pipe(
  v.string(),
  v.trim(),
  v.nonEmpty("is set but empty (unset it for no instance dimensions)"),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const names = dataset.value.split(",").map((n) => n.trim());
    const seen = new Set<string>();
    for (const name of names) {
      if (!(EC2_NAMES as string[]).includes(name)) {
        const guess = closest(name, EC2_NAMES, 4);
        addIssue({
          message: `${show(name)} is not an instance dimension${guess ? ` (did you mean ${show(guess)}?)` : ""} (allowed: ${EC2_NAMES.join(", ")})`,
        });
      } else if (seen.has(name)) addIssue({ message: `${show(name)} is repeated` });
      seen.add(name);
    }
    return dataset.issues === undefined ? (names as Ec2Dimension[]) : NEVER;
  }),
);

/** The environment variables the publisher reads itself (the AWS SDK reads its own). */
export const EnvSchema = v.object({
  METRIC_NAMESPACE: v.optional(NamespaceSchema, DEFAULTS.METRIC_NAMESPACE),
  METRIC_NAME: v.optional(MetricNameSchema, DEFAULTS.METRIC_NAME),
  METRIC_VALUE: v.optional(ValueSchema),
  METRIC_UNIT: v.optional(UnitSchema, DEFAULTS.METRIC_UNIT),
  METRIC_DIMENSIONS: v.optional(DimensionsSchema),
  METRIC_EC2_DIMENSIONS: v.optional(Ec2DimensionsSchema),
  METRIC_STORAGE_RESOLUTION: v.optional(
    v.pipe(
      choice(["60", "1"], "60"),
      v.transform((s) => (s === "1" ? 1 : 60) as 1 | 60),
    ),
    DEFAULTS.METRIC_STORAGE_RESOLUTION,
  ),
  PUBLISH_INTERVAL_SECONDS: v.optional(
    integerIn(1, 86_400, DEFAULTS.PUBLISH_INTERVAL_SECONDS),
    DEFAULTS.PUBLISH_INTERVAL_SECONDS,
  ),
  PUBLISH_RETRIES: v.optional(integerIn(0, 10, DEFAULTS.PUBLISH_RETRIES), DEFAULTS.PUBLISH_RETRIES),
  METRICS_CONFIG_FILE: v.optional(text()),
  PUBLISH_SINK: v.optional(choice(["cloudwatch", "emf"], "cloudwatch"), "cloudwatch"),
  PUBLISH_BUFFER_MAX: v.optional(integerIn(1, 1_000_000, "sized for 24 h")),
  PUBLISH_SPOOL_DIR: v.optional(
    v.pipe(
      text(),
      v.check(
        (s) => s.startsWith("/"),
        (i) => `${show(i.input)} is not an absolute path`,
      ),
    ),
  ),
  PUBLISH_HEALTH_FILE: v.optional(
    v.pipe(
      text(DEFAULTS.PUBLISH_HEALTH_FILE),
      v.check(
        (s) => s.startsWith("/"),
        (i) => `${show(i.input)} is not an absolute path`,
      ),
    ),
    DEFAULTS.PUBLISH_HEALTH_FILE,
  ),
  LOG_FORMAT: v.optional(choice(["json", "text"], "json"), DEFAULTS.LOG_FORMAT),
  LOG_LEVEL: v.optional(choice(["debug", "info", "warn", "error"], "info"), DEFAULTS.LOG_LEVEL),
});

/** Every variable name the publisher itself reads, for the typo warning. */
export const KNOWN_VARIABLES = Object.keys(EnvSchema.entries);
