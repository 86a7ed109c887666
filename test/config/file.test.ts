import { describe, expect, test } from "bun:test";
import { parseMetricsFile } from "../../src/config/file.ts";
import { problemsOf } from "../support/config.ts";

// "1e400" in a test object stands for the JSON number 1e400 (JSON.parse makes it Infinity).
const parse = (o: unknown) =>
  parseMetricsFile(JSON.stringify(o).replaceAll('"1e400"', "1e400"), "metrics.json", {
    namespace: "Default/NS",
  });
function problems(o: unknown): readonly string[] {
  return problemsOf(() => parse(o));
}

describe("metrics file", () => {
  test("applies defaults: the file's namespace, else METRIC_NAMESPACE; resolution 60; no dimensions", () => {
    const file = parse({
      namespace: "MyApp",
      metrics: [
        { name: "Alive", source: { type: "heartbeat" } },
        {
          name: "Depth",
          namespace: "Queues",
          unit: "Count",
          dimensions: { Queue: "jobs" },
          storageResolution: 1,
          source: { type: "command", command: ["/bin/depth"] },
        },
        { source: { type: "host" } },
      ],
    });
    expect(file.includeEnvMetric).toBe(false);
    expect(file.metrics.map((m) => [m.name, m.namespace, m.storageResolution, m.dimensions])).toEqual([
      ["Alive", "MyApp", 60, []],
      ["Depth", "Queues", 1, [{ name: "Queue", value: "jobs" }]],
      [undefined, "MyApp", 60, []],
    ]);
    expect(file.metrics[1]?.source).toEqual({ type: "command", command: ["/bin/depth"], timeoutSeconds: 10 });
    expect(file.metrics[2]?.source).toMatchObject({ type: "host", paths: ["/"] });
    expect(parse({ metrics: [{ name: "A", source: { type: "random" } }] }).metrics[0]).toMatchObject({
      namespace: "Default/NS",
      source: { type: "random", min: 1, max: 100 },
    });
  });

  test("every problem is reported at once, each with its JSON path", () => {
    expect(
      problems({
        metrics: [
          { name: "Ok", source: { type: "heartbeat" } },
          { name: "", source: { type: "static", value: 1 } },
          { name: "Q", unit: "count", source: { type: "command", command: [] } },
          { source: { type: "static", value: 1 } },
          { name: "X", source: { type: "nope" } },
          { name: "Y", dimensions: { "": "a", B: " " }, source: { type: "random", min: 5, max: 1 } },
          { name: "Z", namespace: "AWS/EC2", source: { type: "static", value: "1e400" } },
          { name: "H", source: { type: "host", metrics: ["mem_free"], paths: ["data"] } },
          { name: "C", source: { type: "command", command: ["x"], timeoutSeconds: 0, shell: true } },
        ],
        extra: 1,
      }),
    ).toEqual([
      "metrics.json: metrics[1].name: is empty",
      'metrics.json: metrics[2].unit: "count" is not a CloudWatch unit (did you mean "Count"?)',
      "metrics.json: metrics[2].source.command: needs the executable",
      "metrics.json: metrics[3].name: is required for static, random and heartbeat sources",
      'metrics.json: metrics[4].source.type: "nope" is not a source type (allowed: static, random, heartbeat, host, command)',
      'metrics.json: metrics[5].dimensions: "" has an empty name',
      'metrics.json: metrics[5].dimensions: "B" has an empty value',
      "metrics.json: metrics[5].source: min must not be greater than max",
      'metrics.json: metrics[6].namespace: "AWS/EC2" starts with "AWS/", which is reserved for AWS services',
      "metrics.json: metrics[6].source.value: Infinity is out of range (allowed: -2^360 to 2^360)",
      expect.stringMatching(
        /^metrics\.json: metrics\[7\]\.source\.metrics\[0\]: "mem_free" is not a host metric \(allowed: mem_used_percent, /,
      ),
      "metrics.json: metrics[7].source.paths[0]: must be an absolute path",
      "metrics.json: metrics[8].source.timeoutSeconds: must be a whole number of seconds from 1 to 3600",
      "metrics.json: metrics[8].source.shell: is not a known key here",
      "metrics.json: extra: is not a known key here",
    ]);
  });

  test("not JSON, or no metrics, is a clear error", () => {
    expect(() => parseMetricsFile("{nope", "m.json", { namespace: "N" })).toThrow(/m\.json: not valid JSON/);
    expect(problems({ metrics: [] })).toEqual(["metrics.json: metrics: needs at least one metric"]);
    expect(problems({})).toEqual(["metrics.json: metrics: is required"]);
    expect(problems({ metrics: [{ name: "H", source: { type: "host" } }] })).toEqual([
      "metrics.json: metrics[0].name: is not used by a host source (its metrics have their own names)",
    ]);
  });
});
