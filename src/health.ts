/**
 * The health file: after every cycle the publisher records when it last delivered; the
 * `healthcheck` command (a separate process: Docker's HEALTHCHECK, a Kubernetes exec probe)
 * reads it. A file, not a port: it works in a read-only container with a tmpfs /tmp, needs no
 * listening socket, and survives between `once` runs under cron.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { BASE_DELAY_MS, MAX_DELAY_MS, THROTTLING_BASE_DELAY_MS } from "./cloudwatch/retry.ts";

export const DEFAULT_HEALTH_FILE = "/tmp/cloudwatch-publisher.health";

export interface HealthState {
  /** When this process started (epoch ms). */
  readonly startedAt: number;
  /** The last cycle that delivered everything, or null if none has yet. */
  readonly lastSuccess: number | null;
  /** The last cycle that ended, delivered or not. */
  readonly lastCycle: number | null;
  /** How old `lastSuccess` may be before the publisher counts as unhealthy. */
  readonly thresholdMs: number;
}

/** The longest one cycle's retries can take: all backoffs at their cap plus every attempt timing out. */
export function retryTimeMs(intervalMs: number, retries: number, attemptTimeoutMs: number): number {
  let backoff = 0;
  for (let i = 0; i < retries; i++) {
    backoff += Math.min(MAX_DELAY_MS, Math.max(BASE_DELAY_MS, THROTTLING_BASE_DELAY_MS) * 2 ** i);
  }
  // A cycle never runs past the next boundary, so neither can its retries.
  return Math.min(intervalMs, backoff + (retries + 1) * attemptTimeoutMs);
}

/** Healthy while the last success is within two intervals plus one cycle's retry time. */
export const healthThresholdMs = (intervalMs: number, retries: number, attemptTimeoutMs: number): number =>
  2 * intervalMs + retryTimeMs(intervalMs, retries, attemptTimeoutMs);

export interface Verdict {
  readonly healthy: boolean;
  readonly reason: string;
}

const ago = (ms: number) => `${Math.round(ms / 1000)} s ago`;

/** Judges a health file's content at `now`. */
export function judge(content: string | undefined, now: number): Verdict {
  if (content === undefined) {
    return { healthy: false, reason: "no health file: the publisher has not started (or cannot write it)" };
  }
  let state: HealthState;
  try {
    state = JSON.parse(content) as HealthState;
    if (typeof state.startedAt !== "number" || typeof state.thresholdMs !== "number")
      throw new Error("fields");
  } catch {
    return { healthy: false, reason: "the health file is not valid" };
  }
  const limit = `${Math.round(state.thresholdMs / 1000)} s`;
  if (state.lastSuccess === null) {
    const starting = now - state.startedAt <= state.thresholdMs;
    return {
      healthy: starting,
      reason: starting
        ? `starting: no publish yet, started ${ago(now - state.startedAt)}`
        : `no successful publish since the start ${ago(now - state.startedAt)} (limit ${limit})`,
    };
  }
  const age = now - state.lastSuccess;
  return age <= state.thresholdMs
    ? { healthy: true, reason: `last successful publish ${ago(age)}` }
    : { healthy: false, reason: `last successful publish ${ago(age)}, more than ${limit}` };
}

export interface HealthFiles {
  read(path: string): Promise<string | undefined>;
  /** Replaces the file atomically (write a temporary file, then rename). */
  write(path: string, content: string): Promise<void>;
}

/** The real file system: a missing file reads as undefined; writes go through a temporary file. */
export const nodeHealthFiles: HealthFiles = {
  async read(path) {
    try {
      return await readFile(path, "utf8");
    } catch {
      return undefined;
    }
  },
  async write(path, content) {
    const temporary = `${path}.${crypto.randomUUID()}.tmp`;
    await writeFile(temporary, content, { mode: 0o644 });
    await rename(temporary, path);
  },
};

/** Keeps the health file current; a `once` run carries the previous run's last success over. */
export class HealthRecorder {
  private state: HealthState;
  private warned = false;

  private constructor(
    private readonly path: string,
    private readonly files: HealthFiles,
    state: HealthState,
    private readonly onWriteError: (error: unknown) => void,
  ) {
    this.state = state;
  }

  static async open(
    path: string,
    files: HealthFiles,
    startedAt: number,
    thresholdMs: number,
    onWriteError: (error: unknown) => void,
  ): Promise<HealthRecorder> {
    let lastSuccess: number | null = null;
    try {
      const previous = JSON.parse((await files.read(path)) ?? "null") as Partial<HealthState> | null;
      if (typeof previous?.lastSuccess === "number") lastSuccess = previous.lastSuccess;
    } catch {
      // A missing or damaged file starts afresh.
    }
    const recorder = new HealthRecorder(
      path,
      files,
      { startedAt, lastSuccess, lastCycle: null, thresholdMs },
      onWriteError,
    );
    await recorder.flush();
    return recorder;
  }

  async record(at: number, delivered: boolean): Promise<void> {
    this.state = { ...this.state, lastCycle: at, ...(delivered ? { lastSuccess: at } : {}) };
    await this.flush();
  }

  private async flush(): Promise<void> {
    try {
      await this.files.write(this.path, JSON.stringify(this.state));
    } catch (error) {
      if (!this.warned) this.onWriteError(error);
      this.warned = true;
    }
  }
}
