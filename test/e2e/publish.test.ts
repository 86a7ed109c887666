/**
 * End to end: the compiled binary (and the source entry point) against the fake CloudWatch,
 * as a user runs it: environment in, datapoints out, exit codes and log lines checked.
 */
import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { FakeCloudWatch, TEST_CREDENTIALS, TEST_SESSION_TOKEN } from "../support/fake-cloudwatch.ts";
import { cleanEnv, type Finished, fakeEnv, jsonLines, run, start, type Via } from "../support/program.ts";
import { TestProxy } from "../support/proxy.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
});

/** What every run must satisfy: no secret printed, no stack trace. */
function clean(r: Finished): Finished {
  const all = r.stdout + r.stderr;
  expect(all).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  expect(all).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return r;
}

describe.each(["binary", "source"] as Via[])("%s", (via) => {
  test("once publishes exactly the configured datum and exits 0", async () => {
    const before = Date.now();
    const r = clean(
      await run(
        via,
        ["once"],
        fakeEnv(fake.url, {
          METRIC_NAMESPACE: "E2E/Once",
          METRIC_NAME: "QueueDepth",
          METRIC_VALUE: "17.25",
          METRIC_UNIT: "Count/Second",
          METRIC_DIMENSIONS: "Service=api,Env=prod",
          METRIC_STORAGE_RESOLUTION: "1",
        }),
      ),
    );
    expect(r.code).toBe(0);
    expect(fake.accepted).toHaveLength(1);
    const [d] = fake.accepted;
    expect(d).toMatchObject({
      namespace: "E2E/Once",
      metricName: "QueueDepth",
      value: 17.25,
      unit: "Count/Second",
      dimensions: [
        { Name: "Service", Value: "api" },
        { Name: "Env", Value: "prod" },
      ],
      storageResolution: 1,
    });
    expect(d?.timestamp).toBeGreaterThanOrEqual(before - 1);
    expect(d?.timestamp).toBeLessThanOrEqual(Date.now());
    const logs = jsonLines(r.stdout);
    expect(logs.map((l) => l.msg)).toEqual(["starting", "published"]);
    expect(logs[0]).toMatchObject({
      region: "ap-southeast-2",
      endpoint: `${fake.url}/`,
      credentials: "environment variables",
    });
    expect(logs[1]).toMatchObject({ namespace: "E2E/Once", metric: "QueueDepth", value: 17.25, requests: 1 });
    expect(r.stderr).toBe("");
  });

  test("run with a 1 s interval publishes now, then on each second boundary; SIGTERM exits 0 fast", async () => {
    const p = await start(
      via,
      ["run"],
      fakeEnv(fake.url, { PUBLISH_INTERVAL_SECONDS: "1", METRIC_VALUE: "1" }),
    );
    await fake.waitForDatums(4, 8_000);
    const signalled = performance.now();
    p.proc.kill("SIGTERM");
    const r = clean(await p.finished);
    const exitMs = performance.now() - signalled;
    expect(r.code).toBe(0);
    expect(exitMs).toBeLessThan(2_000);
    const ts = fake.accepted.map((a) => a.timestamp);
    expect(ts[0]).toBeGreaterThan(0);
    const boundaries = ts.slice(1);
    for (const t of boundaries) expect(t % 1000).toBe(0);
    boundaries.forEach((t, i) => {
      if (i > 0) expect(t - (boundaries[i - 1] ?? 0)).toBe(1000);
    });
    expect(fake.peakConcurrency).toBe(1);
    const logs = jsonLines(r.stdout);
    expect(logs.filter((l) => l.msg === "stopping")).toEqual([
      expect.objectContaining({ signal: "SIGTERM" }),
    ]);
    expect(logs.at(-1)).toMatchObject({ msg: "stopped" });
  });
});

describe("seed edge cases (binary)", () => {
  test("no credentials: exit 3 with what was tried and how to fix it; nothing sent", async () => {
    const r = clean(
      await run(
        "binary",
        ["once"],
        cleanEnv({ AWS_REGION: "ap-southeast-2", AWS_ENDPOINT_URL_CLOUDWATCH: fake.url }),
      ),
    );
    expect(r.code).toBe(3);
    const [line] = jsonLines(r.stderr);
    expect(String(line?.msg)).toContain("no AWS credentials found");
    expect(String(line?.msg)).toContain("environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
    expect(String(line?.msg)).toContain("EC2 instance metadata");
    expect(fake.requests).toHaveLength(0);
  });

  test("a key id without its secret is named in the message", async () => {
    const r = clean(
      await run(
        "binary",
        ["once"],
        cleanEnv({ AWS_REGION: "ap-southeast-2", AWS_ACCESS_KEY_ID: "AKIDONLY" }),
      ),
    );
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
  });

  test("invalid region: exit 2 with a message about the region; nothing sent", async () => {
    const r = clean(await run("binary", ["once"], fakeEnv(fake.url, { AWS_REGION: "invalid-region" })));
    expect(r.code).toBe(2);
    const lines = jsonLines(r.stderr).map((l) => String(l.msg));
    expect(lines[0]).toBe(
      'invalid configuration: AWS_REGION: "invalid-region" is not an AWS region (expected a region name such as us-east-1, ap-southeast-2, us-gov-west-1 or cn-north-1)',
    );
    expect(fake.requests).toHaveLength(0);
  });

  test("no network (connection refused): retries, then names the endpoint, exit 1", async () => {
    const closed = "http://127.0.0.1:9";
    const r = clean(await run("binary", ["once"], fakeEnv(closed, { PUBLISH_RETRIES: "2" })));
    expect(r.code).toBe(1);
    const errs = jsonLines(r.stderr);
    expect(errs.filter((l) => l.msg === "retrying")).toHaveLength(2);
    expect(errs.find((l) => l.msg === `could not reach CloudWatch at ${closed}/`)).toMatchObject({
      level: "error",
      error: "ECONNREFUSED",
    });
    expect(errs.at(-2)).toMatchObject({ msg: "cycle failed", delivered: 0, buffered: 1 });
    expect(errs.at(-1)).toMatchObject({
      msg: "undelivered datapoints lost at shutdown (set PUBLISH_SPOOL_DIR to keep them)",
      datums: 1,
    });
  });

  test("docker stop during a hung publish: exits 0 within the 5 s grace", async () => {
    fake.setFault("stall");
    const p = await start("binary", ["run"], fakeEnv(fake.url, { PUBLISH_RETRIES: "0" }));
    while (fake.requests.length === 0) await Bun.sleep(20);
    const signalled = performance.now();
    p.proc.kill("SIGTERM");
    const r = clean(await p.finished);
    const exitMs = performance.now() - signalled;
    fake.setFault(undefined);
    expect(r.code).toBe(0);
    expect(exitMs).toBeGreaterThan(4_000);
    expect(exitMs).toBeLessThan(7_000);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ msg: "stopped", cycles: 1 });
  }, 15_000);

  test("a second SIGINT aborts the in-flight publish at once", async () => {
    fake.setFault("stall");
    const p = await start("binary", ["run"], fakeEnv(fake.url, { PUBLISH_RETRIES: "0" }));
    while (fake.requests.length === 0) await Bun.sleep(20);
    const signalled = performance.now();
    p.proc.kill("SIGINT");
    await Bun.sleep(100);
    p.proc.kill("SIGINT");
    const r = clean(await p.finished);
    fake.setFault(undefined);
    expect(r.code).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(2_000);
  });
});

describe("AWS conventions (binary)", () => {
  test("region and credentials from the shared config files (AWS_PROFILE)", async () => {
    const env = cleanEnv({ AWS_ENDPOINT_URL_CLOUDWATCH: fake.url, AWS_PROFILE: "metrics" });
    writeFileSync(env.AWS_CONFIG_FILE ?? "", "[profile metrics]\nregion = ap-southeast-2\n");
    writeFileSync(
      env.AWS_SHARED_CREDENTIALS_FILE ?? "",
      `[metrics]\naws_access_key_id = ${TEST_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${TEST_CREDENTIALS.secretAccessKey}\n`,
    );
    const r = clean(await run("binary", ["once"], env));
    expect(r.code).toBe(0);
    expect(fake.accepted).toHaveLength(1);
    expect(jsonLines(r.stdout)[0]).toMatchObject({
      region: "ap-southeast-2",
      credentials: "shared config/credentials file",
    });
  });

  test("AWS_DEFAULT_REGION is honoured (the SDK alone ignores it)", async () => {
    const r = clean(
      await run(
        "binary",
        ["once"],
        fakeEnv(fake.url, { AWS_REGION: undefined, AWS_DEFAULT_REGION: "ap-southeast-2" }),
      ),
    );
    expect(r.code).toBe(0);
    expect(fake.accepted).toHaveLength(1);
  });

  test("a session token is sent, signed, and never printed", async () => {
    const token = TEST_SESSION_TOKEN;
    const strict = new FakeCloudWatch({ credentials: { ...TEST_CREDENTIALS, sessionToken: token } }).start();
    try {
      const r = clean(
        await run("binary", ["once"], fakeEnv(strict.url, { AWS_SESSION_TOKEN: token, LOG_LEVEL: "debug" })),
      );
      expect(r.code).toBe(0);
      expect(strict.accepted).toHaveLength(1);
      expect(r.stdout + r.stderr).not.toContain(token);
    } finally {
      await strict.stop();
    }
  });

  test("credentials from the ECS/EKS container credentials endpoint (a task role)", async () => {
    const token = TEST_SESSION_TOKEN;
    const strict = new FakeCloudWatch({ credentials: { ...TEST_CREDENTIALS, sessionToken: token } }).start();
    let asked = 0;
    const endpoint = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: (req) => {
        asked++;
        if (req.headers.get("authorization") !== "task-auth-token")
          return new Response("denied", { status: 403 });
        return Response.json({
          AccessKeyId: TEST_CREDENTIALS.accessKeyId,
          SecretAccessKey: TEST_CREDENTIALS.secretAccessKey,
          Token: token,
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        });
      },
    });
    try {
      const r = await run(
        "binary",
        ["once"],
        cleanEnv({
          AWS_REGION: "ap-southeast-2",
          AWS_ENDPOINT_URL_CLOUDWATCH: strict.url,
          AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${endpoint.port}/v2/credentials`,
          AWS_CONTAINER_AUTHORIZATION_TOKEN: "task-auth-token",
        }),
      );
      expect(r.code).toBe(0);
      expect(asked).toBe(1);
      expect(strict.accepted).toHaveLength(1);
      expect(jsonLines(r.stdout)[0]).toMatchObject({
        credentials: "container credentials endpoint (ECS/EKS Pod Identity)",
      });
    } finally {
      await strict.stop();
      endpoint.stop(true);
    }
  });

  test("HTTP_PROXY is used, and NO_PROXY bypasses it", async () => {
    const proxy = await new TestProxy().start();
    try {
      const via = clean(await run("binary", ["once"], fakeEnv(fake.url, { HTTP_PROXY: proxy.url })));
      expect(via.code).toBe(0);
      expect(proxy.seen).toEqual([`POST ${fake.url}/ HTTP/1.1`]);
      const bypass = clean(
        await run("binary", ["once"], fakeEnv(fake.url, { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" })),
      );
      expect(bypass.code).toBe(0);
      expect(proxy.seen).toHaveLength(1);
      expect(fake.accepted).toHaveLength(2);
    } finally {
      await proxy.stop();
    }
  });

  test("a misspelt variable gets a warning naming the right one", async () => {
    const r = clean(await run("binary", ["once"], fakeEnv(fake.url, { METRIC_NAMESPCE: "Mine" })));
    expect(r.code).toBe(0);
    expect(jsonLines(r.stderr)[0]).toMatchObject({
      level: "warn",
      msg: "METRIC_NAMESPCE is not a variable cloudwatch-publisher reads and is ignored (did you mean METRIC_NAMESPACE?)",
    });
  });

  test("LOG_FORMAT=text writes one readable line per event", async () => {
    const r = clean(
      await run("binary", ["once"], fakeEnv(fake.url, { LOG_FORMAT: "text", METRIC_VALUE: "3" })),
    );
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}published namespace=CustomMetrics metric=TestMetric value=3 unit=Count /,
    );
  });
});

describe("dry run, validate, help (binary)", () => {
  test("--dry-run prints each request as a JSON line and needs no credentials or region", async () => {
    const r = clean(
      await run("binary", ["once", "--dry-run"], cleanEnv({ METRIC_VALUE: "5", METRIC_DIMENSIONS: "A=b" })),
    );
    expect(r.code).toBe(0);
    const [request, ...rest] = jsonLines(r.stdout);
    expect(rest).toEqual([]);
    expect(request).toMatchObject({
      Namespace: "CustomMetrics",
      MetricData: [
        {
          MetricName: "TestMetric",
          Value: 5,
          Unit: "Count",
          Dimensions: [{ Name: "A", Value: "b" }],
          StorageResolution: 60,
        },
      ],
    });
    const logs = jsonLines(r.stderr);
    expect(logs.map((l) => l.msg)).toEqual([
      "starting (dry run: nothing is sent)",
      "estimate: 1 metric(s), 1 request(s) per cycle (44,640 a month): about $0.75 a month at list prices (metrics $0.30, requests $0.45 before the free tier)",
      "published",
    ]);
    expect(logs[1]).toMatchObject({ metrics: 1, requestsPerCycle: 1, requestsPerMonth: 44_640 });
  });

  test("--dry-run with the random default gives a new integer 1-100 each cycle", async () => {
    const values = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const r = await run("binary", ["once", "--dry-run"], cleanEnv());
      const [req] = jsonLines(r.stdout) as { MetricData: { Value: number }[] }[];
      const v = req?.MetricData[0]?.Value ?? 0;
      expect(Number.isInteger(v) && v >= 1 && v <= 100).toBe(true);
      values.add(v);
    }
    expect(values.size).toBeGreaterThan(1);
  });

  test("validate shows the effective config with the key masked and what a cycle sends; sends nothing", async () => {
    const r = clean(await run("binary", ["validate"], fakeEnv(fake.url, { METRIC_VALUE: "9" })));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("configuration is valid");
    expect(r.stdout).toContain("ap-southeast-2 (from AWS_REGION)");
    expect(r.stdout).toContain(
      `environment variables, access key ****${TEST_CREDENTIALS.accessKeyId.slice(-4)}`,
    );
    expect(r.stdout).not.toContain(TEST_CREDENTIALS.accessKeyId);
    expect(r.stdout).toContain(
      '{"Namespace":"CustomMetrics","MetricData":[{"MetricName":"TestMetric","Value":9',
    );
    expect(fake.requests).toHaveLength(0);
  });

  test("validate exits 2 for bad config and 3 without credentials", async () => {
    expect((await run("binary", ["validate"], fakeEnv(fake.url, { METRIC_UNIT: "count" }))).code).toBe(2);
    expect((await run("binary", ["validate"], cleanEnv({ AWS_REGION: "us-east-1" }))).code).toBe(3);
  });

  test("--help documents commands, variables and exit codes; --version prints the version", async () => {
    const help = await run("binary", ["--help"], cleanEnv());
    expect(help.code).toBe(0);
    for (const word of [
      "once",
      "validate",
      "--dry-run",
      "PUBLISH_INTERVAL_SECONDS",
      "Exit codes",
      "3   no AWS credentials",
    ])
      expect(help.stdout).toContain(word);
    const version = await run("binary", ["--version"], cleanEnv());
    const pkg = (await Bun.file(join(import.meta.dir, "..", "..", "package.json")).json()) as {
      version: string;
    };
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  test("an unknown command or option exits 2 with a one-line message", async () => {
    for (const args of [["publish"], ["--dryrun"], ["once", "run"], ["validate", "--dry-run"]]) {
      const r = clean(await run("binary", args, cleanEnv()));
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
  });
});

describe("healthcheck (binary)", () => {
  test("healthy after a publish, unhealthy once the endpoint stays down past the threshold", async () => {
    const env = fakeEnv(fake.url, { PUBLISH_INTERVAL_SECONDS: "1", PUBLISH_RETRIES: "0" });
    env.PUBLISH_HEALTH_FILE = `${env.HOME}/health.json`;
    const before = clean(await run("binary", ["healthcheck"], env));
    expect(before.code).toBe(1);
    expect(before.stdout).toContain("unhealthy: no health file");
    const p = await start("binary", ["run"], env);
    try {
      await fake.waitForDatums(2, 5_000);
      const healthy = clean(await run("binary", ["healthcheck"], env));
      expect(healthy.code).toBe(0);
      expect(healthy.stdout).toMatch(/^healthy: last successful publish \d+ s ago\n$/);
      fake.setFault("unavailable");
      // Threshold for a 1 s interval: 2 intervals + 1 s of retries = 3 s.
      const until = Date.now() + 8_000;
      let last = healthy;
      while (Date.now() < until) {
        last = await run("binary", ["healthcheck"], env);
        if (last.code !== 0) break;
        await Bun.sleep(250);
      }
      expect(last.code).toBe(1);
      expect(last.stdout).toMatch(/^unhealthy: last successful publish \d+ s ago, more than 3 s\n$/);
    } finally {
      fake.setFault(undefined);
      p.proc.kill("SIGTERM");
      clean(await p.finished);
    }
  }, 20_000);
});
