/** Release artifacts, install.sh into a scratch root, and the systemd unit. */
import { beforeAll, describe, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { artifactName, release, TARGETS } from "../scripts/release.ts";
import { EM_AARCH64, EM_X86_64, readElf } from "./support/elf.ts";
import { ROOT } from "./support/program.ts";

const VERSION = "9.8.7-test";
const outdir = mkdtempSync(join(tmpdir(), "cwp-release-"));
const analyze = Bun.which("systemd-analyze");
if (!analyze)
  process.stderr.write("systemd unit tests skipped: systemd-analyze not found (apt-get install systemd)\n");

beforeAll(async () => {
  await release(outdir, VERSION);
}, 600_000);

const sh = (args: string[], env: Record<string, string> = {}) => {
  const r = Bun.spawnSync(args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env } });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
};

/** Every regular file under `dir`, relative. */
function files(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

describe("bun run release", () => {
  test.each([
    ["linux-x64", EM_X86_64, "/lib64/ld-linux-x86-64.so.2"],
    ["linux-x64-baseline", EM_X86_64, "/lib64/ld-linux-x86-64.so.2"],
    ["linux-arm64", EM_AARCH64, "/lib/ld-linux-aarch64.so.1"],
    ["linux-x64-musl", EM_X86_64, "/lib/ld-musl-x86_64.so.1"],
    ["linux-arm64-musl", EM_AARCH64, "/lib/ld-musl-aarch64.so.1"],
  ] as const)("%s is an ELF for the right machine and libc", (suffix, machine, interpreter) => {
    expect(Object.keys(TARGETS)).toContain(suffix);
    const elf = readElf(join(outdir, artifactName(VERSION, suffix)));
    expect(elf.machine).toBe(machine);
    expect(elf.interpreter).toBe(interpreter);
  });

  test("the host's binaries run and report the version baked in", () => {
    for (const suffix of ["linux-x64", "linux-x64-baseline"]) {
      expect(sh([join(outdir, artifactName(VERSION, suffix)), "--version"]).out.trim()).toBe(VERSION);
    }
  });

  test("SHA256SUMS lists every artifact and verifies with sha256sum -c", () => {
    const listed = readFileSync(join(outdir, "SHA256SUMS"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("  ")[1]);
    expect(listed.sort()).toEqual(
      readdirSync(outdir)
        .filter((f) => f !== "SHA256SUMS")
        .sort(),
    );
    const check = Bun.spawnSync(["sha256sum", "-c", "SHA256SUMS"], { cwd: outdir });
    expect(check.exitCode).toBe(0);
    expect(check.stdout.toString().trim().split("\n")).toHaveLength(listed.length);
  });
});

describe("install.sh", () => {
  const binary = () => join(outdir, artifactName(VERSION, "linux-x64"));
  const install = (destdir: string, ...args: string[]) =>
    sh(["sh", join(outdir, "install.sh"), ...args], { DESTDIR: destdir });

  test("installs binary, unit and a 0600 env file into a scratch root, verified by checksum", () => {
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    const r = install(root, "--binary", binary());
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain("checksums verified");
    expect(r.out).toContain("not starting: no systemd here (DESTDIR is set)");
    expect(files(root).sort()).toEqual([
      "etc/cloudwatch-publisher/env",
      "etc/cloudwatch-publisher/env.example",
      "etc/systemd/system/cloudwatch-publisher.service",
      "usr/local/bin/cloudwatch-publisher",
    ]);
    const bin = join(root, "usr/local/bin/cloudwatch-publisher");
    expect(readFileSync(bin).equals(readFileSync(binary()))).toBe(true);
    expect(statSync(bin).mode & 0o777).toBe(0o755);
    expect(statSync(join(root, "etc/cloudwatch-publisher")).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, "etc/cloudwatch-publisher/env")).mode & 0o777).toBe(0o600);
    expect(statSync(join(root, "etc/systemd/system/cloudwatch-publisher.service")).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(root, "etc/cloudwatch-publisher/env"), "utf8")).toContain(
      "#AWS_REGION=ap-southeast-2",
    );
    expect(sh([bin, "--version"]).out.trim()).toBe(VERSION);
  });

  test("is idempotent and keeps an existing env file", () => {
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    expect(install(root, "--binary", binary()).code).toBe(0);
    writeFileSync(join(root, "etc/cloudwatch-publisher/env"), "METRIC_NAME=Mine\n");
    const again = install(root, "--binary", binary());
    expect(again.code).toBe(0);
    expect(again.out).toContain("kept the existing");
    expect(readFileSync(join(root, "etc/cloudwatch-publisher/env"), "utf8")).toBe("METRIC_NAME=Mine\n");
  });

  test("refuses a tampered binary and installs nothing", () => {
    const copy = mkdtempSync(join(tmpdir(), "cwp-tampered-"));
    for (const f of readdirSync(outdir)) cpSync(join(outdir, f), join(copy, f));
    const tampered = join(copy, artifactName(VERSION, "linux-x64"));
    const bytes = readFileSync(tampered);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 0xff;
    writeFileSync(tampered, bytes);
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    const r = install(root, "--binary", tampered);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(
      /checksum mismatch for cloudwatch-publisher-9\.8\.7-test-linux-x64: expected [0-9a-f]{64}, got [0-9a-f]{64}; nothing was installed/,
    );
    expect(files(root)).toEqual([]);
  });

  test("--uninstall leaves nothing behind", () => {
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    expect(install(root, "--binary", binary()).code).toBe(0);
    const r = install(root, "--uninstall");
    expect(r.code).toBe(0);
    expect(files(root)).toEqual([]);
    expect(readdirSync(join(root, "etc"))).toEqual(["systemd"]); // only the system's own directory
  });

  test("--prefix moves the binary and the unit's ExecStart with it", () => {
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    expect(install(root, "--binary", binary(), "--prefix", "/opt/cwp").code).toBe(0);
    expect(statSync(join(root, "opt/cwp/bin/cloudwatch-publisher")).isFile()).toBe(true);
    expect(readFileSync(join(root, "etc/systemd/system/cloudwatch-publisher.service"), "utf8")).toContain(
      "ExecStart=/opt/cwp/bin/cloudwatch-publisher run",
    );
  });
});

describe.skipIf(!analyze)("the systemd unit", () => {
  test("systemd-analyze verify is clean for the installed unit", () => {
    const root = mkdtempSync(join(tmpdir(), "cwp-root-"));
    expect(
      sh(["sh", join(outdir, "install.sh"), "--binary", join(outdir, artifactName(VERSION, "linux-x64"))], {
        DESTDIR: root,
      }).code,
    ).toBe(0);
    // systemd's own units, so that verify can resolve the dependencies of a normal boot.
    cpSync("/lib/systemd/system", join(root, "usr/lib/systemd/system"), { recursive: true });
    const r = sh([analyze ?? "", "verify", "--man=no", `--root=${root}`, "cloudwatch-publisher.service"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
  });

  test("systemd-analyze security --offline=yes rates the exposure at 2.0 or better", () => {
    const r = sh([
      analyze ?? "",
      "security",
      "--offline=yes",
      join(ROOT, "scripts", "cloudwatch-publisher.service"),
    ]);
    const level = Number(
      /Overall exposure level for cloudwatch-publisher\.service: ([\d.]+)/.exec(r.out)?.[1],
    );
    process.stderr.write(`systemd-analyze security: exposure level ${level}\n`);
    expect(level).toBeLessThanOrEqual(2.0);
  });

  test("the unit leaves MemoryDenyWriteExecute off (Bun's JIT needs it) and says why", () => {
    const unit = readFileSync(join(ROOT, "scripts", "cloudwatch-publisher.service"), "utf8");
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m);
    expect(unit).toContain("No MemoryDenyWriteExecute: Bun's JavaScriptCore JIT");
    expect(unit).toMatch(/^DynamicUser=yes$/m);
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/cloudwatch-publisher\/env$/m);
  });
});
