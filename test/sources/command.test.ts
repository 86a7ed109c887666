/** The command source with real child processes. */
import { describe, expect, test } from "bun:test";
import type { MetricSpec } from "../../src/config/file.ts";
import { commandSource, MAX_OUTPUT_BYTES, parseOutput } from "../../src/sources/command.ts";
import { captureLogger } from "../support/capture.ts";

const T = Date.UTC(2026, 10, 29, 9, 0, 0);
const spec = (name: string | undefined, argv: string[], timeoutSeconds = 10): MetricSpec => ({
  name,
  namespace: "Jobs",
  unit: "Count",
  dimensions: [{ name: "Queue", value: "q1" }],
  storageResolution: 60,
  source: { type: "command", command: argv, timeoutSeconds },
});

function run(s: MetricSpec) {
  const { log, lines } = captureLogger();
  const source =
    s.source.type === "command"
      ? commandSource(s, s.source.command, s.source.timeoutSeconds, log)
      : undefined;
  if (!source) throw new Error("not a command spec");
  return { go: () => source(T), lines };
}

describe("command source", () => {
  test("one number on stdout is the metric's value", async () => {
    const { go } = run(spec("QueueDepth", ["sh", "-c", "echo ' 42 '"]));
    expect(await go()).toEqual([
      {
        namespace: "Jobs",
        metricName: "QueueDepth",
        value: 42,
        unit: "Count",
        timestamp: T,
        dimensions: [{ name: "Queue", value: "q1" }],
        storageResolution: 60,
      },
    ]);
  });

  test("runs the executable with its arguments, no shell", async () => {
    const { go } = run(spec("Echoed", ["echo", "7; rm -rf /"]));
    const { go: g2, lines } = run(spec("Echoed", ["echo", "7"]));
    expect(await go()).toEqual([]); // "7; rm -rf /" is printed, not run, and is not a number
    expect((await g2()).map((d) => d.value)).toEqual([7]);
    expect(lines).toEqual([]);
  });

  test("`name value [unit]` lines give several metrics", async () => {
    const { go } = run(
      spec(undefined, [
        "printf",
        "# queue stats\\nready 12\\ninflight 3 Count\\n\\nage_seconds 4.5 Seconds\\n",
      ]),
    );
    expect((await go()).map((d) => [d.metricName, d.value, d.unit])).toEqual([
      ["ready", 12, "Count"],
      ["inflight", 3, "Count"],
      ["age_seconds", 4.5, "Seconds"],
    ]);
  });

  test.each([
    ["garbage", ["echo", "lots of things"], "unparsable output: line 1"],
    [
      "a bad unit",
      ["echo", "x 1 Secs"],
      'unparsable output: line 1 "x 1 Secs": "Secs" is not a CloudWatch unit',
    ],
    ["no output", ["true"], "unparsable output: no output"],
    ["a non-zero exit", ["sh", "-c", "echo 'queue API said 503' >&2; exit 3"], "exit code 3"],
  ])("%s: skipped, logged with the reason and stderr's tail", async (_what, argv, why) => {
    const { go, lines } = run(spec("Q", argv));
    expect(await go()).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]?.msg)).toContain(`command for Q failed: ${why}`);
    if (argv[0] === "sh") expect(lines[0]?.stderr).toBe("queue API said 503");
  });

  test("a command that runs past its timeout is killed and skipped", async () => {
    const { go, lines } = run(spec("Slow", ["sleep", "30"], 1));
    const started = performance.now();
    expect(await go()).toEqual([]);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(String(lines[0]?.msg)).toBe(
      "command for Slow failed: no result within 1 s (killed); skipped this cycle",
    );
  });

  test("huge output is cut off: the command is killed and skipped", async () => {
    const { go, lines } = run(spec("Huge", ["yes", "1"]));
    expect(await go()).toEqual([]);
    expect(String(lines[0]?.msg)).toContain(`more than ${MAX_OUTPUT_BYTES} bytes of output (killed)`);
  });

  test("an executable that does not exist is skipped with the reason", async () => {
    const { go, lines } = run(spec("Missing", ["/nonexistent/queue-depth"]));
    expect(await go()).toEqual([]);
    expect(String(lines[0]?.msg)).toContain("command for Missing could not be started");
  });

  test("parseOutput rejects NaN, Infinity and huge values", () => {
    expect(parseOutput("NaN")).toMatchObject({ ok: false });
    expect(parseOutput("x Infinity")).toMatchObject({ ok: false });
    expect(parseOutput("1e400")).toMatchObject({ ok: false });
    expect(parseOutput("-3.5")).toEqual({ ok: true, metrics: [{ name: "", value: -3.5, unit: undefined }] });
  });
});
