/** Every bad configuration exits 2, names its variable, prints no stack trace and sends nothing. */
import { afterAll, expect, test } from "bun:test";
import { BAD_CONFIGS } from "../config/bad-configs.ts";
import { FakeCloudWatch } from "../support/fake-cloudwatch.ts";
import { fakeEnv, jsonLines, run } from "../support/program.ts";

const fake = new FakeCloudWatch().start();
afterAll(() => fake.stop());

test.each(BAD_CONFIGS.map((c) => [c.variable, JSON.stringify(c.env).slice(0, 40), c] as const))(
  "binary rejects %s %s with exit 2",
  async (variable, _shown, bad) => {
    const r = await run("binary", ["once"], fakeEnv(fake.url, bad.env));
    expect(r.code).toBe(2);
    const lines = jsonLines(r.stderr).map((l) => String(l.msg));
    const problems = lines.filter((l) => l.startsWith("invalid configuration: "));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.startsWith(`invalid configuration: ${variable}: `)).toBe(true);
    expect(problems.some((p) => p.includes(bad.says))).toBe(true);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fake.requests).toHaveLength(0);
  },
);
