/**
 * The real Dockerfile, built and run in a container engine against the fake CloudWatch on the
 * host network, with the hardening flags users are told to use.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Engine, engine, findEngine, programLines } from "../support/engine.ts";
import { FakeCloudWatch, TEST_CREDENTIALS } from "../support/fake-cloudwatch.ts";
import { ROOT } from "../support/program.ts";

const found = findEngine();
const skip = typeof found === "string";
if (skip) process.stderr.write(`container tests skipped: ${found}\n`);
const e = found as Engine;

const IMAGE = `localhost/cloudwatch-publisher:test-${process.pid}`;
const MAX_IMAGE_BYTES = 120_000_000;
const fake = new FakeCloudWatch().start();
const names: string[] = [];

afterAll(async () => {
  if (!skip) {
    for (const name of names) await engine(e, ["rm", "-f", name]);
    await engine(e, ["rmi", "-f", IMAGE]);
  }
  await fake.stop();
});

const HARDENED = [
  "--network",
  "host",
  "--read-only",
  "--tmpfs",
  "/tmp",
  "--cap-drop",
  "ALL",
  "--security-opt",
  "no-new-privileges",
  "--user",
  "65532",
];

function envFlags(over: Record<string, string> = {}): string[] {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_CLOUDWATCH: fake.url,
    // Never let the credential chain ask the link-local metadata address from a test.
    AWS_EC2_METADATA_DISABLED: "true",
    ...over,
  };
  return Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
}

async function startContainer(env: Record<string, string> = {}, extra: string[] = []) {
  const name = `cwp-test-${process.pid}-${names.length}`;
  names.push(name);
  const r = await engine(e, ["run", "-d", "--name", name, ...HARDENED, ...envFlags(env), ...extra, IMAGE]);
  expect(r.code).toBe(0);
  return name;
}

describe.skipIf(skip)(`the image (${skip ? found : e.command})`, () => {
  beforeAll(async () => {
    const args = ["build", "-t", IMAGE, "--network", "host", "--build-arg", "VERSION=9.9.9-test"];
    if (process.env.CONTAINER_PULL) args.push(`--pull=${process.env.CONTAINER_PULL}`);
    if (e.isPodman) args.push("--format", "docker"); // keeps HEALTHCHECK
    const r = await engine(e, [...args, ROOT]);
    if (r.code !== 0)
      throw new Error(`image build failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-3000)}`);
  }, 600_000);

  test("is at most 120 MB, runs as 65532 with no shell, with OCI labels and a health check", async () => {
    const field = async (template: string) =>
      (await engine(e, ["image", "inspect", "--format", template, IMAGE])).stdout.trim();
    const image = {
      Size: Number(await field("{{.Size}}")),
      Config: {
        User: await field("{{.Config.User}}"),
        Labels: JSON.parse(await field("{{json .Config.Labels}}")) as Record<string, string>,
        Healthcheck: JSON.parse(await field("{{json .Config.Healthcheck}}")) as { Test: string[] } | null,
        Entrypoint: JSON.parse(await field("{{json .Config.Entrypoint}}")) as string[],
      },
    };
    process.stderr.write(`image size: ${image.Size} bytes (${(image.Size / 1e6).toFixed(1)} MB)\n`);
    expect(image.Size).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    expect(image.Config.User).toBe("65532:65532");
    expect(image.Config.Entrypoint).toEqual(["/usr/local/bin/cloudwatch-publisher"]);
    expect(image.Config.Healthcheck?.Test).toEqual([
      "CMD",
      "/usr/local/bin/cloudwatch-publisher",
      "healthcheck",
    ]);
    expect(image.Config.Labels["org.opencontainers.image.version"]).toBe("9.9.9-test");
    expect(image.Config.Labels["org.opencontainers.image.licenses"]).toBe("MIT");
    const shell = await engine(e, ["run", "--rm", "--entrypoint", "/bin/sh", IMAGE, "-c", "true"]);
    expect(shell.code).not.toBe(0);
    const version = await engine(e, ["run", "--rm", IMAGE, "--version"]);
    expect(version.stdout.trim()).toBe("9.9.9-test");
  }, 60_000);

  test("read-only, no capabilities: the first datapoint arrives within 5 s, signed and correct; stop exits 0", async () => {
    fake.accepted.length = 0;
    const started = Date.now();
    const name = await startContainer({ METRIC_VALUE: "7", METRIC_DIMENSIONS: "Env=test" });
    const [first] = await fake.waitForDatums(1, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first).toMatchObject({
      namespace: "CustomMetrics",
      metricName: "TestMetric",
      value: 7,
      unit: "Count",
      dimensions: [{ Name: "Env", Value: "test" }],
    });
    expect(fake.requests.find((q) => q.requestId === first?.requestId)?.status).toBe(200);

    const pid = (await engine(e, ["inspect", "--format", "{{.State.Pid}}", name])).stdout.trim();
    const status = await Bun.file(`/proc/${pid}/status`).text();
    expect(status).toMatch(/\nUid:\s+65532\s/);
    expect(status).toMatch(/\nCapEff:\s+0+\n/);

    const stopping = Date.now();
    const stop = await engine(e, ["stop", "-t", "10", name]);
    expect(stop.code).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const exit = await engine(e, ["inspect", "--format", "{{.State.ExitCode}}", name]);
    expect(exit.stdout.trim()).toBe("0");
    const logs = await engine(e, ["logs", name]);
    expect(programLines(logs.stdout).at(-1)).toMatchObject({ msg: "stopped" });
    expect(logs.stdout + logs.stderr).not.toContain(TEST_CREDENTIALS.secretAccessKey);
  }, 60_000);

  test("health check: healthy after a publish, unhealthy once the endpoint has stayed down", async () => {
    const name = await startContainer({ PUBLISH_INTERVAL_SECONDS: "1", PUBLISH_RETRIES: "0" });
    const check = () =>
      e.isPodman
        ? engine(e, ["healthcheck", "run", name])
        : engine(e, ["exec", name, "/usr/local/bin/cloudwatch-publisher", "healthcheck"]);
    const count = fake.accepted.length;
    await fake.waitForDatums(count + 2, 10_000);
    expect((await check()).code).toBe(0);
    fake.setFault("unavailable");
    try {
      const until = Date.now() + 15_000;
      let code = 0;
      while (code === 0 && Date.now() < until) {
        await Bun.sleep(500);
        code = (await check()).code;
      }
      expect(code).toBe(1);
      const direct = await engine(e, ["exec", name, "/usr/local/bin/cloudwatch-publisher", "healthcheck"]);
      expect(direct.stdout).toMatch(/^unhealthy: last successful publish \d+ s ago, more than 3 s/);
    } finally {
      fake.setFault(undefined);
      await engine(e, ["rm", "-f", name]);
    }
  }, 60_000);

  test("a spool volume at /var/lib/cloudwatch-publisher is writable by the image's user", async () => {
    const volume = `cwp-test-spool-${process.pid}`;
    await engine(e, ["volume", "create", volume]);
    try {
      fake.setFault("unavailable");
      const r = await engine(e, [
        "run",
        "--rm",
        ...HARDENED,
        "-v",
        `${volume}:/var/lib/cloudwatch-publisher`,
        ...envFlags({ PUBLISH_SPOOL_DIR: "/var/lib/cloudwatch-publisher", PUBLISH_RETRIES: "0" }),
        IMAGE,
        "once",
      ]);
      expect(r.code).toBe(1);
      const lines = programLines(r.stderr).map((l) => String(l.msg));
      expect(lines).toContain("undelivered datapoints kept in the spool for the next start");
      expect(lines.filter((l) => l.startsWith("cannot write the spool"))).toEqual([]);
      fake.setFault(undefined);
      const count = fake.accepted.length;
      const again = await engine(e, [
        "run",
        "--rm",
        ...HARDENED,
        "-v",
        `${volume}:/var/lib/cloudwatch-publisher`,
        ...envFlags({ PUBLISH_SPOOL_DIR: "/var/lib/cloudwatch-publisher" }),
        IMAGE,
        "once",
      ]);
      expect(again.code).toBe(0);
      expect(fake.accepted.length - count).toBe(2); // the spooled one and the new one
    } finally {
      fake.setFault(undefined);
      await engine(e, ["volume", "rm", "-f", volume]);
    }
  }, 60_000);

  test("missing credentials: exits 3 with the clear message, sends nothing", async () => {
    const requests = fake.requests.length;
    const r = await engine(e, [
      "run",
      "--rm",
      ...HARDENED,
      "-e",
      `AWS_ENDPOINT_URL_CLOUDWATCH=${fake.url}`,
      "-e",
      "AWS_EC2_METADATA_DISABLED=true",
      IMAGE,
    ]);
    expect(r.code).toBe(3);
    expect(String(programLines(r.stderr)[0]?.msg)).toContain("no AWS credentials found");
    expect(fake.requests.length).toBe(requests);
  }, 60_000);
});
