import type { Clock } from "../../src/clock.ts";

interface Timer {
  at: number;
  resolve: () => void;
  signal: AbortSignal | undefined;
}

/**
 * A clock whose time moves only when every pending promise has settled: then it jumps to the
 * earliest sleeper and wakes it. A simulated day runs in milliseconds, deterministically.
 */
export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private running = true;
  sleeps = 0;

  constructor(private time: number) {
    void this.pump();
  }

  now = (): number => this.time;

  sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps++;
    return new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer: Timer = { at: this.time + Math.max(0, ms), resolve, signal };
      this.timers.push(timer);
      signal?.addEventListener(
        "abort",
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  };

  /** Moves the wall clock without waking anyone (an NTP step, a suspended host). */
  jump(ms: number): void {
    this.time += ms;
  }

  dispose(): void {
    this.running = false;
  }

  private async pump(): Promise<void> {
    while (this.running) {
      // Let every ready promise chain run before time moves.
      await new Promise((r) => setImmediate(r));
      if (this.timers.length === 0) continue;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (next === undefined) continue;
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
  }
}
