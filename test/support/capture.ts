/** Helpers shared by tests: a logger that keeps its lines, and a child process's whole output. */
import { createLogger, type Logger } from "../../src/log.ts";

/** A debug-level JSON logger whose lines (stdout and stderr alike) are kept, parsed. */
export function captureLogger(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const keep = (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>);
  return { log: createLogger({ format: "json", level: "debug", out: keep, err: keep }), lines };
}

export interface Output {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end (killed after `timeoutMs`) and returns what it printed. */
export async function collect(
  cmd: string[],
  options: { env?: Record<string, string>; timeoutMs: number },
): Promise<Output> {
  const proc = Bun.spawn(cmd, {
    ...(options.env ? { env: options.env } : {}),
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), options.timeoutMs);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
