/**
 * The container engine for the image tests: CONTAINER_ENGINE (a name on PATH, or a path such as
 * ../shared/tools/podman-here), else `docker` when its daemon answers. Without one the tests are
 * skipped and say why.
 */
import { basename } from "node:path";
import { collect } from "./capture.ts";

export interface Engine {
  readonly command: string;
  readonly isPodman: boolean;
}

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function findEngine(env: Record<string, string | undefined> = process.env): Engine | string {
  const configured = env.CONTAINER_ENGINE?.trim();
  const candidate = configured || "docker";
  const path = candidate.includes("/") ? candidate : Bun.which(candidate);
  if (!path) {
    return configured
      ? `CONTAINER_ENGINE=${configured} is not an executable`
      : "no container engine: set CONTAINER_ENGINE (docker, podman, or a path) to run the image tests";
  }
  const info = Bun.spawnSync([path, "info"], { stdout: "ignore", stderr: "ignore" });
  if (info.exitCode !== 0) return `${candidate} info failed: the container engine is not running`;
  return { command: path, isPodman: basename(path).includes("podman") };
}

/** Runs the engine asynchronously (tests serve the fake endpoint from this same process). */
export function engine(e: Engine, args: string[], timeoutMs = 300_000): Promise<Result> {
  return collect([e.command, ...args], { timeoutMs });
}

/** Lines the program wrote (JSON), without the engine's own noise (podman's systemd warnings). */
export const programLines = (text: string): Record<string, unknown>[] =>
  text
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
