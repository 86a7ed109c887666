/** The binary through outages: SIGKILL with a spool, a damaged spool, SIGTERM's last attempt. */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeCloudWatch } from "../support/fake-cloudwatch.ts";
import { fakeEnv, jsonLines, run, start } from "../support/program.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
});

const spoolDir = () => mkdtempSync(join(tmpdir(), "cwp-spool-"));
const timestampsOf = (lines: Record<string, unknown>[]) =>
  lines.filter((l) => String(l.msg).startsWith("cycle failed")).map((l) => Date.parse(String(l.timestamp)));

test("SIGKILL during an outage with a spool, then a restart: 0 lost", async () => {
  const dir = spoolDir();
  const env = fakeEnv(fake.url, {
    PUBLISH_INTERVAL_SECONDS: "1",
    PUBLISH_RETRIES: "0",
    PUBLISH_SPOOL_DIR: dir,
  });
  fake.setFault("unavailable");
  const first = await start("binary", ["run"], env);
  while (fake.requests.length < 4) await Bun.sleep(20);
  first.proc.kill("SIGKILL");
  const killed = await first.finished;
  const measured = timestampsOf(jsonLines(killed.stderr));
  expect(measured.length).toBeGreaterThanOrEqual(3);
  expect(fake.accepted).toHaveLength(0);

  fake.setFault(undefined);
  const second = await run("binary", ["once"], env);
  expect(second.code).toBe(0);
  expect(
    jsonLines(second.stdout).find((l) => l.msg === "recovered undelivered datapoints from the spool")?.datums,
  ).toBeGreaterThanOrEqual(measured.length);
  const arrived = fake.accepted.map((a) => a.timestamp);
  for (const t of measured) expect(arrived).toContain(t);
  expect(new Set(arrived).size).toBe(arrived.length);
  expect(readdirSync(dir)).toEqual([]);
}, 30_000);

test("a damaged spool file: the publisher starts, quarantines it, logs it, and publishes", async () => {
  const dir = spoolDir();
  writeFileSync(join(dir, "pending.json"), '{"format":1,"datums":[{"namespace":"Cust');
  const r = await run("binary", ["once"], fakeEnv(fake.url, { PUBLISH_SPOOL_DIR: dir }));
  expect(r.code).toBe(0);
  expect(jsonLines(r.stderr)).toContainEqual(
    expect.objectContaining({
      level: "error",
      msg: "the spool file is damaged; moved aside and starting without it",
    }),
  );
  expect(readdirSync(dir).filter((f) => f.startsWith("pending.json.corrupt-"))).toHaveLength(1);
  expect(fake.accepted).toHaveLength(1);
});

test("SIGTERM after a failed cycle: one final attempt delivers it, exit 0", async () => {
  fake.setFault("unavailable");
  const p = await start("binary", ["run"], fakeEnv(fake.url, { PUBLISH_RETRIES: "0" }));
  while (fake.requests.length < 1) await Bun.sleep(20);
  await Bun.sleep(200);
  fake.setFault(undefined);
  p.proc.kill("SIGTERM");
  const r = await p.finished;
  expect(r.code).toBe(0);
  expect(fake.accepted).toHaveLength(1);
  expect(jsonLines(r.stdout).map((l) => l.msg)).toContain("final attempt for undelivered datapoints");
});

test("SIGTERM while still down, no spool: exactly what is lost is logged; with a spool it is kept", async () => {
  fake.setFault("unavailable");
  const lossy = await start("binary", ["run"], fakeEnv(fake.url, { PUBLISH_RETRIES: "0" }));
  while (fake.requests.length < 1) await Bun.sleep(20);
  await Bun.sleep(200);
  const signalled = Date.now();
  lossy.proc.kill("SIGTERM");
  const r = await lossy.finished;
  expect(r.code).toBe(0);
  expect(Date.now() - signalled).toBeLessThan(10_000);
  expect(jsonLines(r.stderr)).toContainEqual(
    expect.objectContaining({
      msg: "undelivered datapoints lost at shutdown (set PUBLISH_SPOOL_DIR to keep them)",
      datums: 1,
      metrics: ["CustomMetrics/TestMetric"],
    }),
  );

  const dir = spoolDir();
  fake.requests.length = 0;
  const kept = await start(
    "binary",
    ["run"],
    fakeEnv(fake.url, { PUBLISH_RETRIES: "0", PUBLISH_SPOOL_DIR: dir }),
  );
  while (fake.requests.length < 1) await Bun.sleep(20);
  await Bun.sleep(200);
  kept.proc.kill("SIGTERM");
  const k = await kept.finished;
  expect(k.code).toBe(0);
  expect(jsonLines(k.stderr)).toContainEqual(
    expect.objectContaining({
      msg: "undelivered datapoints kept in the spool for the next start",
      datums: 1,
    }),
  );
  expect(existsSync(join(dir, "pending.json"))).toBe(true);
}, 30_000);
