import { describe, expect, test } from "bun:test";
import type { RetryErrorInfo, RetryErrorType } from "@smithy/types";
import {
  BASE_DELAY_MS,
  backoffDelay,
  createRetryStrategy,
  MAX_DELAY_MS,
  MIN_ATTEMPT_MS,
  THROTTLING_BASE_DELAY_MS,
} from "../../src/cloudwatch/retry.ts";

const httpError = (status: number, name = "Err") =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const info = (errorType: RetryErrorType, error: Error = httpError(503)): RetryErrorInfo =>
  ({ errorType, error }) as unknown as RetryErrorInfo;

describe("backoffDelay", () => {
  test("doubles from the base each retry, full jitter, capped", () => {
    const top = () => 0.999_999;
    expect([0, 1, 2, 3, 4].map((r) => backoffDelay(r, false, top))).toEqual([99, 199, 399, 799, 1599]);
    expect([0, 1, 2].map((r) => backoffDelay(r, true, top))).toEqual([499, 999, 1999]);
    expect(backoffDelay(10, false, top)).toBe(MAX_DELAY_MS - 1);
    expect(backoffDelay(10, true, top)).toBe(MAX_DELAY_MS - 1);
    expect(backoffDelay(3, false, () => 0)).toBe(0);
    expect(backoffDelay(3, false, () => 0.5)).toBe(4 * BASE_DELAY_MS);
    expect(backoffDelay(0, true, () => 0.5)).toBe(THROTTLING_BASE_DELAY_MS / 2);
  });
});

describe("createRetryStrategy", () => {
  const make = (over: Partial<Parameters<typeof createRetryStrategy>[0]> = {}) => {
    const events: string[] = [];
    const strategy = createRetryStrategy({
      retries: 3,
      deadline: () => 60_000,
      now: () => 0,
      random: () => 0.5,
      onRetry: (e) => events.push(`retry ${e.attempt} after ${e.delayMs} (${e.errorType})`),
      onGiveUp: (reason) => events.push(`give up: ${reason}`),
      ...over,
    });
    return { strategy, events };
  };

  test("retries 5xx, throttling and network errors `retries` times with growing delays", async () => {
    const { strategy, events } = make();
    let token = await strategy.acquireInitialRetryToken("cloudwatch");
    token = await strategy.refreshRetryTokenForRetry(token, info("SERVER_ERROR"));
    token = await strategy.refreshRetryTokenForRetry(token, info("THROTTLING", httpError(400, "Throttling")));
    token = await strategy.refreshRetryTokenForRetry(token, info("TRANSIENT", new TypeError("ECONNREFUSED")));
    expect(token.getRetryCount()).toBe(3);
    await expect(strategy.refreshRetryTokenForRetry(token, info("SERVER_ERROR"))).rejects.toThrow();
    expect(events).toEqual([
      "retry 2 after 50 (SERVER_ERROR)",
      "retry 3 after 500 (THROTTLING)",
      "retry 4 after 200 (TRANSIENT)",
      "give up: all 3 retries used",
    ]);
  });

  test("never retries a 4xx validation or auth error", async () => {
    const { strategy, events } = make();
    const token = await strategy.acquireInitialRetryToken("cloudwatch");
    for (const e of [
      httpError(400, "InvalidParameterValueException"),
      httpError(403, "SignatureDoesNotMatch"),
    ]) {
      await expect(strategy.refreshRetryTokenForRetry(token, info("CLIENT_ERROR", e))).rejects.toThrow();
    }
    expect(events).toEqual([]);
  });

  test("retries a client-side error that never got an HTTP answer", async () => {
    const { strategy } = make();
    const token = await strategy.acquireInitialRetryToken("cloudwatch");
    const next = await strategy.refreshRetryTokenForRetry(
      token,
      info("CLIENT_ERROR", Object.assign(new Error("dns"), { code: "ENOTFOUND" })),
    );
    expect(next.getRetryCount()).toBe(1);
  });

  test("does not retry an aborted request", async () => {
    const { strategy } = make();
    const token = await strategy.acquireInitialRetryToken("cloudwatch");
    const aborted = Object.assign(new Error("aborted"), { name: "AbortError" });
    await expect(strategy.refreshRetryTokenForRetry(token, info("CLIENT_ERROR", aborted))).rejects.toThrow();
  });

  test("gives up instead of starting a retry that could not finish before the deadline", async () => {
    let now = 0;
    const { strategy, events } = make({ deadline: () => 1_000, now: () => now, random: () => 0.999 });
    let token = await strategy.acquireInitialRetryToken("cloudwatch");
    token = await strategy.refreshRetryTokenForRetry(token, info("THROTTLING")); // 499 ms: fits
    now = 1_000 - MIN_ATTEMPT_MS - 998 + 1; // a 998 ms delay would leave less than MIN_ATTEMPT_MS
    await expect(strategy.refreshRetryTokenForRetry(token, info("THROTTLING"))).rejects.toThrow();
    expect(events.at(-1)).toBe("give up: no time left before the next boundary");
  });

  test("honours a Retry-After hint, within the cap", async () => {
    const { strategy } = make();
    const token = await strategy.acquireInitialRetryToken("cloudwatch");
    const withHint = { ...info("THROTTLING"), retryAfterHint: new Date(7_000) } as RetryErrorInfo;
    expect((await strategy.refreshRetryTokenForRetry(token, withHint)).getRetryDelay()).toBe(7_000);
  });

  test("zero retries means one attempt", async () => {
    const { strategy } = make({ retries: 0 });
    const token = await strategy.acquireInitialRetryToken("cloudwatch");
    await expect(strategy.refreshRetryTokenForRetry(token, info("SERVER_ERROR"))).rejects.toThrow();
  });
});
