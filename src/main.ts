/**
 * The process edge: argv, environment, signals, exit codes. Nothing else touches `process`.
 */
import { type AppDeps, runApp } from "./app.ts";
import { EXIT, helpText, parseArgs } from "./cli.ts";
import { systemClock } from "./clock.ts";
import { createCloudWatch, profileRegion } from "./cloudwatch/client.ts";
import type { Env } from "./config/load.ts";
import { sdkImds } from "./ec2.ts";
import { ConfigError, CredentialsError, UsageError } from "./errors.ts";
import { nodeHealthFiles } from "./health.ts";
import { createLogger, type Logger } from "./log.ts";
import { nodeSpoolFiles } from "./spool.ts";
import { VERSION } from "./version.ts";

/** SIGTERM/SIGINT stop the schedule at once; an in-flight publish gets this long to finish. */
export const SHUTDOWN_GRACE_MS = 5_000;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function earlyLogger(env: Env, secrets: ReadonlySet<string>, toStderr: boolean): Logger {
  return createLogger({
    format: env.LOG_FORMAT?.trim() === "text" ? "text" : "json",
    level: (["debug", "warn", "error"] as const).find((l) => l === env.LOG_LEVEL?.trim()) ?? "info",
    out: toStderr ? err : out,
    err,
    secrets,
  });
}

/** Maps what ended the run to an exit code, logging it as one line (never a stack trace). */
function exitCode(error: unknown, log: Logger): number {
  if (error instanceof UsageError) {
    err(`cloudwatch-publisher: ${error.message}`);
    return EXIT.badConfig;
  }
  if (error instanceof ConfigError) {
    for (const problem of error.problems) log.error(`invalid configuration: ${problem}`);
    log.error(`nothing was sent: fix the ${error.problems.length} problem(s) above (see --help)`);
    return EXIT.badConfig;
  }
  if (error instanceof CredentialsError) {
    log.error(error.message);
    return EXIT.noCredentials;
  }
  log.error("internal error (please report it; LOG_LEVEL=debug adds the stack)", {
    error: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  });
  log.debug("internal error stack", { stack: error instanceof Error ? error.stack : undefined });
  return EXIT.internal;
}

async function main(argv: readonly string[], env: Env): Promise<number> {
  const secrets = new Set([env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN].filter((s): s is string => !!s));
  // With --dry-run or the EMF sink, stdout carries the output; logs go to stderr.
  const stdoutIsOutput = argv.includes("--dry-run") || env.PUBLISH_SINK?.trim() === "emf";
  const log = earlyLogger(env, secrets, stdoutIsOutput);
  try {
    const inv = parseArgs(argv);
    if (inv.command === "help") {
      out(helpText(VERSION));
      return EXIT.ok;
    }
    if (inv.command === "version") {
      out(VERSION);
      return EXIT.ok;
    }
    const stop = new AbortController();
    const abort = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (stop.signal.aborted) {
        abort.abort(new Error(`${signal} received twice`));
        return;
      }
      log.info("stopping", { signal, graceMs: SHUTDOWN_GRACE_MS });
      stop.abort();
      setTimeout(() => abort.abort(new Error("shutdown grace period over")), SHUTDOWN_GRACE_MS).unref();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    const deps: AppDeps = {
      env,
      version: VERSION,
      out,
      log,
      clock: systemClock,
      random: Math.random,
      stop: stop.signal,
      abort: abort.signal,
      createCloudWatch,
      profileRegion,
      imds: sdkImds(env),
      files: nodeHealthFiles,
      spoolFiles: nodeSpoolFiles,
      readText: (path) => Bun.file(path).text(),
      secrets,
    };
    const outcome = await runApp(inv, deps);
    return { ok: EXIT.ok, publishFailed: EXIT.publishFailed, unhealthy: EXIT.unhealthy }[outcome];
  } catch (error) {
    return exitCode(error, log);
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  () => process.exit(EXIT.internal),
);
