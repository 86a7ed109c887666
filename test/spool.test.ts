import { describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeSpoolFiles, SPOOL_FILE, Spool, type SpoolFiles } from "../src/spool.ts";
import { captureLogger } from "./support/capture.ts";
import { datum } from "./support/datums.ts";

const T = Date.UTC(2026, 10, 29, 8, 0, 0);

const logger = captureLogger;

describe("Spool on the real file system", () => {
  test("what is saved is recovered by the next run; an empty save removes the file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwp-spool-"));
    const { log } = logger();
    const first = await Spool.open(dir, nodeSpoolFiles, log, 100, () => T);
    expect(first.recovered).toEqual([]);
    const pending = [
      datum({ timestamp: T, value: 1 }),
      datum({ timestamp: T + 1, value: 2, dimensions: [{ name: "A", value: "b" }] }),
    ];
    await first.spool.save(pending);
    expect(readdirSync(dir)).toEqual([SPOOL_FILE]);
    const second = await Spool.open(dir, nodeSpoolFiles, log, 100, () => T);
    expect(second.recovered).toEqual(pending);
    await second.spool.save([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("creates a missing spool directory, mode 0700", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "cwp-spool-")), "a", "b");
    const { spool } = await Spool.open(dir, nodeSpoolFiles, logger().log, 100, () => T);
    await spool.save([datum()]);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readdirSync(dir)).toEqual([SPOOL_FILE]);
  });

  test("keeps only the newest `max`", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwp-spool-"));
    const { spool } = await Spool.open(dir, nodeSpoolFiles, logger().log, 3, () => T);
    await spool.save([1, 2, 3, 4, 5].map((v) => datum({ value: v, timestamp: T + v })));
    const saved = JSON.parse(readFileSync(join(dir, SPOOL_FILE), "utf8")) as { datums: { value: number }[] };
    expect(saved.datums.map((d) => d.value)).toEqual([3, 4, 5]);
  });

  test.each([
    ["truncated", (text: string) => text.slice(0, text.length / 2)],
    ["not JSON", () => "\u0000\u0001garbage"],
    ["the wrong shape", () => JSON.stringify({ format: 1, datums: [{ value: "x" }] })],
  ])("a %s file is quarantined and logged, and the publisher starts without it", async (_kind, damage) => {
    const dir = mkdtempSync(join(tmpdir(), "cwp-spool-"));
    const first = await Spool.open(dir, nodeSpoolFiles, logger().log, 100, () => T);
    await first.spool.save([datum({ timestamp: T })]);
    const path = join(dir, SPOOL_FILE);
    writeFileSync(path, damage(readFileSync(path, "utf8")));
    const { log, lines } = logger();
    const second = await Spool.open(dir, nodeSpoolFiles, log, 100, () => T);
    expect(second.recovered).toEqual([]);
    const files = readdirSync(dir);
    expect(files).toEqual([`${SPOOL_FILE}.corrupt-2026-11-29T08-00-00-000Z`]);
    expect(lines[0]).toMatchObject({
      level: "error",
      msg: "the spool file is damaged; moved aside and starting without it",
      quarantined: join(dir, files[0] ?? ""),
    });
  });

  test("a temporary file left by a crash mid-write is removed; the last complete file is kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cwp-spool-"));
    const first = await Spool.open(dir, nodeSpoolFiles, logger().log, 100, () => T);
    await first.spool.save([datum({ timestamp: T })]);
    writeFileSync(join(dir, `${SPOOL_FILE}.tmp`), '{"format":1,"datums":[{"na');
    const second = await Spool.open(dir, nodeSpoolFiles, logger().log, 100, () => T);
    expect(second.recovered).toHaveLength(1);
    expect(readdirSync(dir)).toEqual([SPOOL_FILE]);
  });
});

describe("Spool write failures", () => {
  test("are logged once, never thrown, and recovery is logged", async () => {
    let broken = true;
    const files: SpoolFiles = {
      ...nodeSpoolFiles,
      read: async () => undefined,
      list: async () => [],
      ensureDir: async () => {},
      writeAtomic: async () => {
        if (broken) throw new Error("ENOSPC: no space left on device");
      },
    };
    const { log, lines } = logger();
    const { spool } = await Spool.open("/nowhere", files, log, 100, () => T);
    await spool.save([datum()]);
    await spool.save([datum()]);
    broken = false;
    await spool.save([datum()]);
    expect(lines.map((l) => l.msg)).toEqual([
      "cannot write the spool: undelivered datapoints are only in memory",
      "the spool is writable again",
    ]);
  });
});
