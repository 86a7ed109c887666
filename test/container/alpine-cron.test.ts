/**
 * The Alpine + cron image cannot be built here (no Alpine packages). Its parts are tested
 * instead: the entrypoint and crontab under busybox crond and sh, shellcheck, the musl build.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";
import { EM_X86_64, readElf } from "../support/elf.ts";
import { FakeCloudWatch, TEST_CREDENTIALS } from "../support/fake-cloudwatch.ts";
import { binary, jsonLines, ROOT } from "../support/program.ts";

const ALPINE = join(ROOT, "scripts", "alpine");
const busybox = ["/bin/busybox", "/usr/bin/busybox"].find(
  (p) => Bun.spawnSync([p, "crond", "--help"]).exitCode <= 1,
);
const hasCrond =
  busybox !== undefined && Bun.spawnSync([busybox, "crond", "--help"]).stderr.toString().includes("crond");
const isRoot = process.getuid?.() === 0;
const shellcheck = Bun.which("shellcheck");
const cronSkip = !hasCrond
  ? "busybox crond not found (apt-get install busybox-static)"
  : !isRoot
    ? "needs root (to switch to the job's user)"
    : "";
if (cronSkip) process.stderr.write(`alpine-cron entrypoint tests skipped: ${cronSkip}\n`);
if (!shellcheck)
  process.stderr.write("shellcheck tests skipped: shellcheck not found (apt-get install shellcheck)\n");

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());

/** A scratch root the entrypoint can use as the image's /run and /etc/crontabs. */
async function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), "cwp-cron-"));
  chmodSync(dir, 0o755); // the job's user must reach its files inside
  const bin = join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(busybox ?? "/bin/busybox", join(bin, "crond"));
  return {
    dir,
    env: (over: Record<string, string> = {}): Record<string, string> => ({
      PATH: `${bin}:${process.env.PATH}`,
      HOME: dir,
      CWP_USER: "nobody",
      CWP_RUN_DIR: join(dir, "run"),
      CWP_CRONTABS: join(dir, "crontabs"),
      CWP_JOB: join(ALPINE, "job.sh"),
      CROND_FLAGS: "-l 8",
      AWS_REGION: "ap-southeast-2",
      AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_CLOUDWATCH: fake.url,
      AWS_EC2_METADATA_DISABLED: "true",
      PUBLISH_HEALTH_FILE: join(dir, "run", "health"),
      UNRELATED_SECRET: "must-not-reach-the-job",
      ...over,
    }),
  };
}

describe.skipIf(cronSkip !== "")("entrypoint.sh under busybox crond and sh", () => {
  test("validates, publishes at once, then cron runs the job as nobody with the container's variables; output reaches stdout; SIGTERM stops it within 10 s", async () => {
    const box = await sandbox();
    const bin = await binary();
    const proc = Bun.spawn(["sh", join(ALPINE, "entrypoint.sh")], {
      env: box.env({
        CWP_BIN: bin,
        METRIC_NAMESPACE: "Cron/Test",
        METRIC_NAME: "FromCron",
        METRIC_VALUE: "5",
      }),
      stdout: "pipe",
      stderr: "pipe",
    });
    const stdout = new Response(proc.stdout).text();
    const stderr = new Response(proc.stderr).text();
    const base = fake.accepted.length;
    // The publish at start, then the first one cron runs (at the next minute: up to 60 s).
    const accepted = await fake.waitForDatums(base + 2, 75_000);
    for (const d of accepted.slice(base)) {
      expect(d).toMatchObject({ namespace: "Cron/Test", metricName: "FromCron", value: 5 });
    }
    const cronRun = accepted[base + 1];
    expect(new Date(cronRun?.receivedAt ?? 0).getUTCSeconds()).toBeLessThan(10); // started by cron at :00

    const env = statSync(join(box.dir, "run", "env"));
    expect(env.uid).toBe(65534);
    expect(env.mode & 0o777).toBe(0o400);
    expect(statSync(join(box.dir, "run")).mode & 0o777).toBe(0o700);
    const saved = await Bun.file(join(box.dir, "run", "env"))
      .text()
      .catch(() => "");
    expect(saved).toContain("export METRIC_NAMESPACE='Cron/Test'");
    expect(saved).not.toContain("UNRELATED_SECRET");

    await Bun.sleep(300); // let the forwarder pass the cron job's lines on
    const stopping = Date.now();
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(10_000);
    const out = jsonLines(
      (await stdout)
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .join("\n"),
    );
    // One "published" from the start, one from cron's job, both on the entrypoint's stdout.
    expect(out.filter((l) => l.msg === "published")).toHaveLength(2);
    expect(await stdout).toContain("configuration is valid");
    expect((await stdout) + (await stderr)).not.toContain(TEST_CREDENTIALS.secretAccessKey);
    expect(await stderr).toContain("entrypoint: stopping");
  }, 90_000);

  test("a bad configuration stops the entrypoint with the message and exit 2, before cron starts", async () => {
    const box = await sandbox();
    const proc = Bun.spawn(["sh", join(ALPINE, "entrypoint.sh")], {
      env: box.env({ CWP_BIN: await binary(), METRIC_UNIT: "count" }),
      stdout: "pipe",
      stderr: "pipe",
    });
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
    expect(code).toBe(2);
    expect(err).toContain('METRIC_UNIT: \\"count\\" is not a CloudWatch unit (did you mean \\"Count\\"?)');
    expect(err).toContain("entrypoint: the configuration is not valid (exit 2): not starting cron");
    expect(await Bun.file(join(box.dir, "crontabs", "nobody")).exists()).toBe(false);
  }, 30_000);
});

describe.skipIf(!shellcheck)("shell scripts", () => {
  test("entrypoint.sh, job.sh and rootfs.sh are POSIX sh and shellcheck-clean", () => {
    const scripts = [
      join(ALPINE, "entrypoint.sh"),
      join(ALPINE, "job.sh"),
      join(ROOT, "scripts", "container", "rootfs.sh"),
    ];
    const r = Bun.spawnSync([shellcheck ?? "shellcheck", "--shell=sh", ...scripts]);
    expect(r.stdout.toString()).toBe("");
    expect(r.exitCode).toBe(0);
  });
});

describe("the musl build", () => {
  test("bun-linux-x64-musl builds an x86-64 executable for musl's loader", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "cwp-musl-")), "cloudwatch-publisher");
    await build({ outfile: out, target: "bun-linux-x64-musl" });
    const elf = readElf(out);
    expect(elf.machine).toBe(EM_X86_64);
    expect(elf.interpreter).toBe("/lib/ld-musl-x86_64.so.1");
    expect(readElf(await binary()).interpreter).toBe("/lib64/ld-linux-x86-64.so.2");
  }, 120_000);
});
