/**
 * Release artifacts: the binary for every supported Linux target, the systemd unit and the
 * install script, and SHA256SUMS over all of them.
 *
 *   bun run release [--outdir dist]
 *
 * Cross-compiling fetches Bun's runtime for each target from the npm registry (cached after
 * the first time). A target that cannot be built stops the release with Bun's message.
 */
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { build } from "./build.ts";

/** Artifact suffix → Bun target. `baseline` runs on x86-64 CPUs without AVX2. */
export const TARGETS = {
  "linux-x64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
  "linux-x64-baseline": "bun-linux-x64-baseline",
} as const;

const ROOT = join(import.meta.dir, "..");
const EXTRAS = [join(ROOT, "scripts", "install.sh"), join(ROOT, "scripts", "cloudwatch-publisher.service")];

export const artifactName = (version: string, suffix: string) => `cloudwatch-publisher-${version}-${suffix}`;

/** Builds every artifact into `outdir` and writes SHA256SUMS; returns the file names. */
export async function release(outdir: string, version: string = pkg.version): Promise<string[]> {
  await mkdir(outdir, { recursive: true });
  const files: string[] = [];
  for (const [suffix, target] of Object.entries(TARGETS)) {
    const name = artifactName(version, suffix);
    try {
      await build({ outfile: join(outdir, name), target, version });
    } catch (error) {
      throw new Error(
        `release: cannot build ${name} (${target}): ${error instanceof Error ? error.message : error}`,
      );
    }
    files.push(name);
  }
  for (const extra of EXTRAS) {
    await copyFile(extra, join(outdir, basename(extra)));
    files.push(basename(extra));
  }
  const sums = await Promise.all(
    files.map(
      async (f) =>
        `${createHash("sha256")
          .update(await readFile(join(outdir, f)))
          .digest("hex")}  ${f}`,
    ),
  );
  await writeFile(join(outdir, "SHA256SUMS"), `${sums.join("\n")}\n`);
  return files;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: "string" } } });
  const outdir = values.outdir ?? join(ROOT, "dist");
  try {
    const files = await release(outdir);
    process.stdout.write(`${files.map((f) => `${outdir}/${f}`).join("\n")}\n${outdir}/SHA256SUMS\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
