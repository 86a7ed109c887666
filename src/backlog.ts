/**
 * The buffer between measuring and delivering: datums not yet accepted by CloudWatch, oldest
 * first, bounded. When it must drop, it drops the oldest and says how many and which time range;
 * it never keeps datums CloudWatch would reject as too old.
 */
import { MAX_PAST_MS } from "./cloudwatch/limits.ts";
import type { Datum } from "./datum.ts";
import type { Logger } from "./log.ts";

/** Datums this close to CloudWatch's 14-day limit are dropped rather than sent to be rejected. */
export const TOO_OLD_MARGIN_MS = 60 * 60 * 1000;
/** The default bound holds 24 h of datums, within these limits. */
export const MIN_BUFFER = 1_440;
export const MAX_DEFAULT_BUFFER = 100_000;

/** At least 24 h of `datumsPerCycle` every `intervalSeconds`. */
export const defaultBufferMax = (intervalSeconds: number, datumsPerCycle: number): number =>
  Math.min(MAX_DEFAULT_BUFFER, Math.max(MIN_BUFFER, Math.ceil(86_400 / intervalSeconds) * datumsPerCycle));

const byTime = (a: Datum, b: Datum) => a.timestamp - b.timestamp;
const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

export class Backlog {
  private items: Datum[] = [];

  constructor(
    readonly max: number,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** What is pending, oldest first (for the spool). */
  snapshot(): readonly Datum[] {
    return this.items;
  }

  /** Adds datums (just measured, or recovered from the spool), keeping the newest `max`. */
  add(datums: readonly Datum[]): void {
    this.items = [...this.items, ...datums].sort(byTime);
    const excess = this.items.length - this.max;
    if (excess > 0) {
      const dropped = this.items.splice(0, excess);
      this.log.error("buffer full: dropped the oldest datapoints", {
        dropped: dropped.length,
        from: iso(dropped[0]?.timestamp),
        to: iso(dropped.at(-1)?.timestamp),
        max: this.max,
      });
    }
  }

  /** Everything pending, oldest first, minus what CloudWatch would refuse as too old. */
  take(now: number): Datum[] {
    const limit = now - (MAX_PAST_MS - TOO_OLD_MARGIN_MS);
    const tooOld = this.items.filter((d) => d.timestamp < limit);
    if (tooOld.length > 0) {
      this.log.error("dropped datapoints too old for CloudWatch (older than 14 days)", {
        dropped: tooOld.length,
        from: iso(tooOld[0]?.timestamp),
        to: iso(tooOld.at(-1)?.timestamp),
      });
    }
    const pending = this.items.filter((d) => d.timestamp >= limit);
    this.items = [];
    return pending;
  }

  /** Puts undelivered datums back; they keep their place by timestamp. */
  putBack(datums: readonly Datum[]): void {
    if (datums.length > 0) this.add(datums);
  }
}
