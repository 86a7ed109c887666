import { describe, expect, test } from "bun:test";
import { loadConfig, unknownVariables } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";
import { problemsOf } from "../support/config.ts";
import { BAD_CONFIGS } from "./bad-configs.ts";

const REGION = { AWS_REGION: "ap-southeast-2" };
const load = (env: Record<string, string>, requireRegion = true, profileRegion?: string) =>
  loadConfig(env, {
    requireRegion,
    fallbackRegion:
      profileRegion === undefined ? undefined : { region: profileRegion, source: "the AWS profile" },
  });

function problems(env: Record<string, string>): readonly string[] {
  return problemsOf(() => load(env));
}

describe("loadConfig", () => {
  test("defaults are the seed's", () => {
    expect(load(REGION)).toEqual({
      region: "ap-southeast-2",
      regionSource: "AWS_REGION",
      namespace: "CustomMetrics",
      metricName: "TestMetric",
      value: undefined,
      unit: "Count",
      dimensions: [],
      ec2Dimensions: [],
      storageResolution: 60,
      intervalSeconds: 60,
      retries: 3,
      metricsFile: undefined,
      sink: "cloudwatch",
      bufferMax: undefined,
      spoolDir: undefined,
      healthFile: "/tmp/cloudwatch-publisher.health",
      logFormat: "json",
      logLevel: "info",
    });
  });

  test("every variable is read, trimmed and converted", () => {
    const config = load({
      AWS_REGION: " us-gov-west-1 ",
      METRIC_NAMESPACE: "My/App",
      METRIC_NAME: "Queue Depth",
      METRIC_VALUE: "-1.5e3",
      METRIC_UNIT: "Bytes/Second",
      METRIC_DIMENSIONS: "Service=api, Env = prod,Url=https://x/?a=b",
      METRIC_STORAGE_RESOLUTION: "1",
      PUBLISH_INTERVAL_SECONDS: "10",
      PUBLISH_RETRIES: "0",
      LOG_FORMAT: "text",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      region: "us-gov-west-1",
      namespace: "My/App",
      metricName: "Queue Depth",
      value: -1500,
      unit: "Bytes/Second",
      dimensions: [
        { name: "Service", value: "api" },
        { name: "Env", value: "prod" },
        { name: "Url", value: "https://x/?a=b" },
      ],
      storageResolution: 1,
      intervalSeconds: 10,
      retries: 0,
      logFormat: "text",
      logLevel: "debug",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test.each([
    "us-east-1",
    "ap-southeast-2",
    "us-gov-west-1",
    "cn-north-1",
    "eu-central-2",
    "us-isob-east-1",
    "il-central-1",
  ])("accepts region %s", (region) => {
    expect(load({ AWS_REGION: region }).region).toBe(region);
  });

  test("region comes from AWS_REGION, then AWS_DEFAULT_REGION, then the profile", () => {
    expect(
      load({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-east-1" }, true, "sa-east-1"),
    ).toMatchObject({
      region: "eu-west-1",
      regionSource: "AWS_REGION",
    });
    expect(load({ AWS_DEFAULT_REGION: "us-east-1" }, true, "sa-east-1")).toMatchObject({
      region: "us-east-1",
      regionSource: "AWS_DEFAULT_REGION",
    });
    expect(load({}, true, "sa-east-1")).toMatchObject({
      region: "sa-east-1",
      regionSource: "the AWS profile",
    });
  });

  test("a bad AWS_DEFAULT_REGION is reported under its own name", () => {
    expect(problems({ AWS_DEFAULT_REGION: "mars-1" })).toEqual([
      'AWS_DEFAULT_REGION: "mars-1" is not an AWS region (expected a region name such as us-east-1, ap-southeast-2, us-gov-west-1 or cn-north-1)',
    ]);
  });

  test("no region is an error, except for a dry run", () => {
    expect(problems({})).toEqual([
      "AWS_REGION: not set, and no region in AWS_DEFAULT_REGION, the AWS profile or EC2 instance metadata (set AWS_REGION, e.g. AWS_REGION=ap-southeast-2)",
    ]);
    expect(load({}, false).region).toBeUndefined();
  });

  test.each(BAD_CONFIGS.map((c) => [c.variable, JSON.stringify(c.env).slice(0, 50), c] as const))(
    "rejects %s %s",
    (variable, _shown, bad) => {
      const found = problems({ ...REGION, ...bad.env });
      expect(found).toHaveLength(found.length > 0 ? found.length : 1);
      expect(found.some((p) => p.startsWith(`${variable}: `) && p.includes(bad.says))).toBe(true);
      for (const p of found) expect(p.startsWith(`${variable}: `)).toBe(true);
    },
  );

  test("reports every problem at once, one line each", () => {
    const found = problems({
      AWS_REGION: "invalid-region",
      METRIC_UNIT: "count",
      METRIC_VALUE: "NaN",
      PUBLISH_RETRIES: "99",
    });
    expect(found.map((p) => p.split(":")[0])).toEqual([
      "AWS_REGION",
      "METRIC_VALUE",
      "METRIC_UNIT",
      "PUBLISH_RETRIES",
    ]);
  });

  test("values in messages are quoted, escaped and cut short", () => {
    const [p] = problems({ ...REGION, METRIC_UNIT: `${"x".repeat(100)}\n` });
    expect(p).toContain('"xxxxxxxx');
    expect(p).toContain('..."');
    expect(p).not.toContain("\n");
  });

  test("never throws anything but ConfigError, whatever the input (fuzz)", () => {
    const alphabet = [
      "a",
      "Z",
      "0",
      "9",
      "=",
      ",",
      " ",
      "-",
      ".",
      "e",
      "/",
      ":",
      "\u0000",
      "é",
      "\u{1F600}",
      "\n",
    ];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const text = () =>
      Array.from(
        { length: Math.floor(random() * 12) },
        () => alphabet[Math.floor(random() * alphabet.length)],
      ).join("");
    const names = [
      "AWS_REGION",
      "METRIC_NAMESPACE",
      "METRIC_NAME",
      "METRIC_VALUE",
      "METRIC_UNIT",
      "METRIC_DIMENSIONS",
      "METRIC_STORAGE_RESOLUTION",
      "PUBLISH_INTERVAL_SECONDS",
      "PUBLISH_RETRIES",
      "LOG_FORMAT",
      "LOG_LEVEL",
    ];
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const env = Object.fromEntries(names.filter(() => random() < 0.5).map((n) => [n, text()]));
      try {
        load({ ...REGION, ...env });
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(1000);
  });
});

describe("unknownVariables", () => {
  test("names the closest known variable for a typo", () => {
    expect(
      unknownVariables({ METRIC_NAMESPCE: "x", PUBLISH_INTERVAL: "5", METRIC_FOO_BAR_BAZ: "1", OTHER: "x" }),
    ).toEqual([
      "METRIC_FOO_BAR_BAZ is not a variable cloudwatch-publisher reads and is ignored",
      "METRIC_NAMESPCE is not a variable cloudwatch-publisher reads and is ignored (did you mean METRIC_NAMESPACE?)",
      "PUBLISH_INTERVAL is not a variable cloudwatch-publisher reads and is ignored (did you mean PUBLISH_INTERVAL_SECONDS?)",
    ]);
  });
});
