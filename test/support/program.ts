/** Runs the real program (the compiled binary, or the source entry point) as a child process. */
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "../../scripts/build.ts";
import { collect } from "./capture.ts";
import { TEST_CREDENTIALS, TEST_REGION, TEST_SESSION_TOKEN } from "./fake-cloudwatch.ts";

export const ROOT = join(import.meta.dir, "..", "..");
const BINARY = join(ROOT, "dist", "test", "cloudwatch-publisher");

let built: Promise<string> | undefined;

/** Builds the binary once per test run (from the current source) and returns its path. */
export function binary(): Promise<string> {
  built ??= build({ outfile: BINARY }).then(() => {
    statSync(BINARY);
    return BINARY;
  });
  return built;
}

export type Via = "binary" | "source";

export async function command(via: Via): Promise<string[]> {
  return via === "binary" ? [await binary()] : [process.execPath, join(ROOT, "src", "main.ts")];
}

/**
 * A clean environment: nothing inherited but PATH, an empty HOME (no ~/.aws), instance
 * metadata disabled and pointed at a closed loopback port, so no test ever leaves the machine.
 */
export function cleanEnv(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), "cwp-home-"));
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
    PUBLISH_HEALTH_FILE: join(home, "health"),
    ...overrides,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The environment of a correctly configured publisher talking to the fake at `url`. */
export function fakeEnv(url: string, overrides: Record<string, string | undefined> = {}) {
  return cleanEnv({
    AWS_REGION: TEST_REGION,
    AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_CLOUDWATCH: url,
    ...overrides,
  });
}

export interface Finished {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Every run of the program in the whole suite goes through here: none may print the secret key
 * or the session token, whatever it was asked to do.
 */
function noSecrets(r: Finished): Finished {
  for (const secret of [TEST_CREDENTIALS.secretAccessKey, TEST_SESSION_TOKEN]) {
    if (r.stdout.includes(secret) || r.stderr.includes(secret)) {
      throw new Error(`a secret reached the program's output:\n${r.stdout}\n${r.stderr}`);
    }
  }
  return r;
}

/** Parses JSON log lines; non-JSON lines fail the test that asked for them. */
export const jsonLines = (text: string): Record<string, unknown>[] =>
  text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Runs the program to completion (killing it after `timeoutMs`). */
export async function run(
  via: Via,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<Finished> {
  const started = performance.now();
  const out = await collect([...(await command(via)), ...args], { env, timeoutMs });
  return noSecrets({ ...out, ms: performance.now() - started });
}

export interface Running {
  readonly proc: ReturnType<typeof Bun.spawn>;
  /** Resolves with everything the program printed once it exits. */
  readonly finished: Promise<Finished>;
}

/** Starts the program and leaves it running. */
export async function start(via: Via, args: string[], env: Record<string, string>): Promise<Running> {
  const started = performance.now();
  const proc = Bun.spawn([...(await command(via)), ...args], { env, stdout: "pipe", stderr: "pipe" });
  const finished = Promise.all([
    new Response(proc.stdout as ReadableStream).text(),
    new Response(proc.stderr as ReadableStream).text(),
    proc.exited,
  ]).then(([stdout, stderr, code]) => noSecrets({ code, stdout, stderr, ms: performance.now() - started }));
  return { proc, finished };
}
