import { describe, expect, test } from "bun:test";
import { createLogger, type LogOptions } from "../src/log.ts";

const T = Date.UTC(2026, 10, 29, 7, 15, 0, 123);

function capture(over: Partial<LogOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({
    format: "json",
    level: "info",
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    now: () => T,
    ...over,
  });
  return { log, out, err };
}

describe("createLogger", () => {
  test("JSON lines with UTC ISO time, level, msg and fields; info to stdout, warn/error to stderr", () => {
    const { log, out, err } = capture();
    log.info("published", { value: 3, dimensions: { A: "b" } });
    log.warn("retrying", { attempt: 2 });
    log.error("failed");
    expect(out).toEqual([
      '{"time":"2026-11-29T07:15:00.123Z","level":"info","msg":"published","value":3,"dimensions":{"A":"b"}}',
    ]);
    expect(err).toEqual([
      '{"time":"2026-11-29T07:15:00.123Z","level":"warn","msg":"retrying","attempt":2}',
      '{"time":"2026-11-29T07:15:00.123Z","level":"error","msg":"failed"}',
    ]);
  });

  test("text lines quote values with spaces and skip undefined fields", () => {
    const { log, out } = capture({ format: "text" });
    log.info("published", { metric: "Queue Depth", value: 1, unit: undefined, dims: { a: 1 } });
    expect(out).toEqual([
      '2026-11-29T07:15:00.123Z INFO  published metric="Queue Depth" value=1 dims={"a":1}',
    ]);
  });

  test("drops lines below the level", () => {
    const { log, out, err } = capture({ level: "warn" });
    log.debug("d");
    log.info("i");
    log.warn("w");
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
  });

  test("a secret that reaches a line anyway is redacted", () => {
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const { log, out, err } = capture({ secrets: new Set([secret]), level: "debug" });
    log.debug(`signing with ${secret}`, { key: secret });
    log.error("x", { nested: { deep: secret } });
    expect([...out, ...err].join("\n")).not.toContain(secret);
    expect(out[0]).toContain("[REDACTED]");
  });
});
