/**
 * Compiles src/main.ts into one self-contained executable.
 *
 *   bun scripts/build.ts [--target bun-linux-x64] [--outfile dist/cloudwatch-publisher]
 *
 * The binary reads only the real environment (no .env or bunfig.toml autoload) and has the
 * package version baked in; the embedded source map makes the stack that LOG_LEVEL=debug
 * prints for an internal error point at the TypeScript source.
 */
import { rm } from "node:fs/promises";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };

/**
 * JavaScriptCore's tier-up thresholds, multiplied. The publisher does a little work once a
 * minute: compiling that work to optimised machine code costs more CPU and memory than it ever
 * saves. Measured with `bun run bench` (daemon CPU per cycle and RSS); see the README.
 */
export const JIT_POLICY = 1000;

export interface BuildOptions {
  readonly target?: string;
  readonly outfile: string;
  readonly version?: string;
}

/** Builds one binary; throws with Bun's own output when the build fails. */
export async function build(options: BuildOptions): Promise<void> {
  const version = options.version ?? pkg.version;
  const args = [
    "build",
    "src/main.ts",
    "--compile",
    "--minify",
    "--bytecode",
    "--sourcemap",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    `--compile-jit-policy=${JIT_POLICY}`,
    "--define",
    `CWP_BUILD_VERSION=${JSON.stringify(version)}`,
    ...(options.target ? ["--target", options.target] : []),
    "--outfile",
    options.outfile,
  ];
  const proc = Bun.spawn([process.execPath, ...args], {
    cwd: `${import.meta.dir}/..`,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  if (code !== 0) {
    throw new Error(
      `bun build for ${options.target ?? "this host"} failed (exit ${code}):\n${stderr}${stdout}`,
    );
  }
  // The source map is embedded in the executable; the copy written beside it is not needed.
  await rm(`${options.outfile}.map`, { force: true });
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { target: { type: "string" }, outfile: { type: "string" }, version: { type: "string" } },
  });
  const outfile = values.outfile ?? "dist/cloudwatch-publisher";
  try {
    const version = values.version || pkg.version;
    await build({ outfile, version, ...(values.target ? { target: values.target } : {}) });
    process.stdout.write(`built ${outfile} (${version}, ${values.target ?? "host"})\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
