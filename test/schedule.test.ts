import { afterEach, describe, expect, test } from "bun:test";
import { nextBoundary, schedule } from "../src/schedule.ts";
import { FakeClock } from "./support/fake-clock.ts";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
// 2026-11-29T07:14:33.250Z: not on a boundary.
const START = Date.UTC(2026, 10, 29, 7, 14, 33, 250);

let clock: FakeClock;
afterEach(() => clock?.dispose());

async function take(gen: AsyncGenerator<number>, n: number, between?: (t: number) => void | Promise<void>) {
  const out: number[] = [];
  for await (const t of gen) {
    out.push(t);
    await between?.(t);
    if (out.length === n) break;
  }
  return out;
}

describe("nextBoundary", () => {
  test("is the next multiple of the interval, strictly after t", () => {
    expect(nextBoundary(START, MINUTE)).toBe(Date.UTC(2026, 10, 29, 7, 15, 0));
    expect(nextBoundary(Date.UTC(2026, 10, 29, 7, 15, 0), MINUTE)).toBe(Date.UTC(2026, 10, 29, 7, 16, 0));
    expect(nextBoundary(START, 1000)).toBe(Date.UTC(2026, 10, 29, 7, 14, 34));
    expect(nextBoundary(START, 3_600_000)).toBe(Date.UTC(2026, 10, 29, 8, 0, 0));
  });
});

describe("schedule", () => {
  test("yields now at once, then every minute at :00 for a simulated day, none missed or repeated", async () => {
    clock = new FakeClock(START);
    const ticks = await take(schedule(clock, MINUTE, new AbortController().signal), 1 + DAY / MINUTE);
    expect(ticks[0]).toBe(START);
    const boundaries = ticks.slice(1);
    expect(boundaries).toHaveLength(1440);
    boundaries.forEach((t, i) => {
      expect(t).toBe(Date.UTC(2026, 10, 29, 7, 15 + i, 0));
    });
    expect(new Set(ticks).size).toBe(ticks.length);
  });

  test("a cycle that takes most of the interval does not shift the boundaries (no drift)", async () => {
    clock = new FakeClock(START);
    const ticks = await take(schedule(clock, MINUTE, new AbortController().signal), 500, async () => {
      await clock.sleep(59_000 - (clock.now() % 1000)); // a slow publish, uneven durations
    });
    for (const t of ticks.slice(1)) expect(t % MINUTE).toBe(0);
    expect(ticks.at(-1)).toBe(nextBoundary(START, MINUTE) + 498 * MINUTE);
  });

  test("a cycle that overruns the next boundary is followed by that boundary at once, not a skip", async () => {
    clock = new FakeClock(START);
    const seenAt: number[] = [];
    const ticks = await take(schedule(clock, MINUTE, new AbortController().signal), 4, async (t) => {
      seenAt.push(clock.now());
      if (t === nextBoundary(START, MINUTE)) await clock.sleep(MINUTE + 5_000);
    });
    const first = nextBoundary(START, MINUTE);
    expect(ticks).toEqual([START, first, first + MINUTE, first + 2 * MINUTE]);
    expect(seenAt[2]).toBe(first + MINUTE + 5_000); // late, but measured
  });

  test("after the host was suspended for an hour, skipped boundaries are reported, not replayed", async () => {
    clock = new FakeClock(START);
    const skipped: [number, number, number][] = [];
    const gen = schedule(clock, MINUTE, new AbortController().signal, {
      onSkipped: (count, from, to) => skipped.push([count, from, to]),
    });
    const ticks = await take(gen, 4, (t) => {
      if (t === START) clock.jump(60 * MINUTE + 30_000);
    });
    const first = nextBoundary(START, MINUTE);
    expect(skipped).toEqual([[60, first, first + 59 * MINUTE]]);
    expect(ticks.slice(1)).toEqual([first + 60 * MINUTE, first + 61 * MINUTE, first + 62 * MINUTE]);
  });

  test("when the wall clock steps back an hour, the schedule re-aligns instead of sleeping an hour", async () => {
    clock = new FakeClock(START);
    const back: number[] = [];
    const ticks = await take(
      schedule(clock, MINUTE, new AbortController().signal, { onClockBack: (by) => back.push(by) }),
      3,
      (t) => {
        if (t === START) clock.jump(-60 * MINUTE);
      },
    );
    expect(back).toHaveLength(1);
    expect(ticks[1]).toBe(nextBoundary(START - 60 * MINUTE, MINUTE));
    expect(ticks[2]).toBe(nextBoundary(START - 60 * MINUTE, MINUTE) + MINUTE);
  });

  test("stops at once when aborted while sleeping", async () => {
    clock = new FakeClock(START);
    const stop = new AbortController();
    const gen = schedule(clock, MINUTE, stop.signal);
    expect((await gen.next()).value).toBe(START);
    const pending = gen.next();
    stop.abort();
    expect((await pending).done).toBe(true);
    expect(clock.now()).toBe(START);
  });

  test("a 1 s interval yields whole seconds", async () => {
    clock = new FakeClock(START);
    const ticks = await take(schedule(clock, 1000, new AbortController().signal), 6);
    expect(ticks.slice(1)).toEqual([1, 2, 3, 4, 5].map((i) => Date.UTC(2026, 10, 29, 7, 14, 33 + i)));
  });
});
