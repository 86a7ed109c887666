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
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { BunPlugin } from "bun";
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

const ROOT = join(import.meta.dir, "..");

/**
 * The SDK's Node HTTP handler module (and Node's http, https, http2 behind it) is bundled in a
 * lazy form: the publisher's requests use fetch, so most runs never need it.
 */
const lazyNodeHttpHandler: BunPlugin = {
  name: "lazy-node-http-handler",
  setup(b) {
    b.onResolve({ filter: /^@smithy\/node-http-handler$/ }, (args) =>
      args.importer.endsWith("lazy-node-http-handler.ts")
        ? undefined
        : { path: join(import.meta.dir, "bundle", "lazy-node-http-handler.ts") },
    );
  },
};

/** Builds one binary; throws with Bun's own messages when the build fails. */
export async function build(options: BuildOptions): Promise<void> {
  const version = options.version ?? pkg.version;
  const result = await Bun.build({
    entrypoints: [join(ROOT, "src", "main.ts")],
    compile: {
      outfile: options.outfile,
      ...(options.target ? { target: options.target as Bun.Build.CompileTarget } : {}),
      autoloadDotenv: false,
      autoloadBunfig: false,
      jitPolicy: JIT_POLICY,
    },
    minify: true,
    bytecode: true,
    sourcemap: "linked",
    define: { CWP_BUILD_VERSION: JSON.stringify(version) },
    plugins: [lazyNodeHttpHandler],
    throw: false,
  });
  if (!result.success) {
    const messages = result.logs.map((l) => String(l)).join("\n");
    throw new Error(`bun build for ${options.target ?? "this host"} failed:\n${messages}`);
  }
  // The source map is embedded in the executable; a copy written beside it is not needed.
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
