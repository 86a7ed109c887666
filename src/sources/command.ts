/**
 * `command`: runs an executable with its arguments (no shell, unless the user writes `sh -c`),
 * with a timeout after which it is killed. Its stdout is one number (the metric's value), or
 * lines `name value [unit]` for several metrics. A failure skips this metric for the cycle, with
 * a log line that includes the end of its stderr; the other metrics are still published.
 */
import type { Unit } from "../cloudwatch/limits.ts";
import type { MetricSpec } from "../config/file.ts";
import { metricNameProblem, unitProblem, valueProblem } from "../config/rules.ts";
import { DECIMAL } from "../config/values.ts";
import type { Datum } from "../datum.ts";
import type { Logger } from "../log.ts";
import { datumOf } from "./simple.ts";
import type { Source } from "./source.ts";

/** More than this on stdout is not a metric: the command is stopped and the cycle skipped. */
export const MAX_OUTPUT_BYTES = 64 * 1024;
const STDERR_TAIL = 500;

export interface Ran {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  readonly tooLarge: boolean;
}

/** Runs argv; kills it after `timeoutMs` or once its stdout passes MAX_OUTPUT_BYTES. */
export async function runCommand(argv: readonly string[], timeoutMs: number): Promise<Ran> {
  const proc = Bun.spawn([...argv], { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let timedOut = false;
  let tooLarge = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const readCapped = async () => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of proc.stdout) {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) {
        tooLarge = true;
        proc.kill("SIGKILL");
        break;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString("utf8");
  };
  try {
    const [stdout, stderr, code] = await Promise.all([
      readCapped(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    return { code, stdout, stderr, timedOut, tooLarge };
  } finally {
    clearTimeout(timer);
  }
}

type Parsed =
  | { ok: true; metrics: { name: string; value: number; unit: Unit | undefined }[] }
  | { ok: false; why: string };

/** One number, or `name value [unit]` lines (blank lines and `#` comments ignored). */
export function parseOutput(stdout: string): Parsed {
  const text = stdout.trim();
  if (DECIMAL.test(text)) {
    const value = Number(text);
    const bad = valueProblem(value);
    return bad ? { ok: false, why: bad } : { ok: true, metrics: [{ name: "", value, unit: undefined }] };
  }
  const metrics: { name: string; value: number; unit: Unit | undefined }[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const fields = line.split(/\s+/);
    const where = `line ${i + 1} ${JSON.stringify(line.slice(0, 80))}`;
    if (fields.length < 2 || fields.length > 3 || !DECIMAL.test(fields[1] ?? ""))
      return { ok: false, why: `${where} is not a number, nor "name value [unit]"` };
    const [name = "", valueText = "", unit] = fields;
    const value = Number(valueText);
    const problem =
      metricNameProblem(name) ?? valueProblem(value) ?? (unit === undefined ? undefined : unitProblem(unit));
    if (problem) return { ok: false, why: `${where}: ${problem}` };
    metrics.push({ name, value, unit: unit as Unit | undefined });
  }
  if (metrics.length === 0) return { ok: false, why: "no output" };
  return { ok: true, metrics };
}

export function commandSource(
  spec: MetricSpec,
  argv: readonly string[],
  timeoutSeconds: number,
  log: Logger,
  run: typeof runCommand = runCommand,
): Source {
  const label = spec.name ?? argv[0] ?? "command";
  return async (t) => {
    let ran: Ran;
    try {
      ran = await run(argv, timeoutSeconds * 1000);
    } catch (error) {
      log.error(`command for ${label} could not be started; skipped this cycle`, {
        command: argv,
        reason: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
    const skip = (why: string) => {
      log.error(`command for ${label} failed: ${why}; skipped this cycle`, {
        command: argv,
        ...(ran.stderr.trim() ? { stderr: ran.stderr.trim().slice(-STDERR_TAIL) } : {}),
      });
      return [] as Datum[];
    };
    if (ran.timedOut) return skip(`no result within ${timeoutSeconds} s (killed)`);
    if (ran.tooLarge) return skip(`more than ${MAX_OUTPUT_BYTES} bytes of output (killed)`);
    if (ran.code !== 0) return skip(`exit code ${ran.code}`);
    const parsed = parseOutput(ran.stdout);
    if (!parsed.ok) return skip(`unparsable output: ${parsed.why}`);
    const [first] = parsed.metrics;
    if (parsed.metrics.length === 1 && first?.name === "") {
      if (!spec.name) return skip('it printed a single number, but the metric has no "name"');
      return [datumOf(spec, spec.name, first.value, spec.unit ?? "None", t)];
    }
    return parsed.metrics.map((m) => datumOf(spec, m.name, m.value, m.unit ?? spec.unit ?? "None", t));
  };
}
