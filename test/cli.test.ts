import { describe, expect, test } from "bun:test";
import { EXIT, helpText, parseArgs } from "../src/cli.ts";
import { UsageError } from "../src/errors.ts";

describe("parseArgs", () => {
  test.each([
    [[], "run", false],
    [["run"], "run", false],
    [["once"], "once", false],
    [["--dry-run"], "run", true],
    [["once", "--dry-run"], "once", true],
    [["--dry-run", "once"], "once", true],
    [["validate"], "validate", false],
    [["--help"], "help", false],
    [["-h"], "help", false],
    [["once", "--version"], "version", false],
  ] as const)("%j → %s (dry run %s)", (argv, command, dryRun) => {
    expect(parseArgs(argv)).toEqual({ command, dryRun });
  });

  test.each([[["publish"]], [["--verbose"]], [["once", "run"]], [["validate", "--dry-run"]]] as const)(
    "%j is a usage error",
    (argv) => {
      expect(() => parseArgs(argv)).toThrow(UsageError);
    },
  );
});

test("help lists every exit code", () => {
  const help = helpText("1.2.3");
  for (const code of Object.values(EXIT)) expect(help).toMatch(new RegExp(`\\n  ${code} +\\S`));
});
