import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from "@smithy/types";

/** Backoff bases, as the SDK's standard strategy uses them; throttling backs off harder. */
export const BASE_DELAY_MS = 100;
export const THROTTLING_BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 20_000;
/** A retry is only worth starting if this much time is left before the deadline. */
export const MIN_ATTEMPT_MS = 250;

export interface RetryEvent {
  readonly attempt: number;
  readonly delayMs: number;
  readonly errorType: string;
  readonly error: unknown;
}

export interface RetryPolicyOptions {
  /** Retries after the first attempt. */
  readonly retries: number;
  /** Epoch ms after which no retry may start: the cycle's deadline. */
  readonly deadline: () => number;
  readonly now?: () => number;
  readonly random?: () => number;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly onGiveUp?: (reason: string) => void;
}

/** Exponential backoff with full jitter: a uniform delay in [0, min(cap, base·2^retry)). */
export function backoffDelay(retry: number, throttled: boolean, random: () => number): number {
  const base = throttled ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(MAX_DELAY_MS, base * 2 ** retry));
}

const token = (count: number, delay: number): RetryToken => ({
  getRetryCount: () => count,
  getRetryDelay: () => delay,
});

/** An error that never got an HTTP answer (refused, reset, DNS, TLS) is worth retrying. */
function neverAnswered(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === "AbortError") return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined;
}

/**
 * The SDK's retry loop with this publisher's policy: `retries` retries of throttling, 5xx and
 * network errors, never of other 4xx errors, and none that could not finish before the deadline.
 * The SDK classifies the errors and does the waiting; this decides whether and how long.
 */
export function createRetryStrategy(options: RetryPolicyOptions): RetryStrategyV2 {
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: RetryErrorInfo) => {
      const retry = previous.getRetryCount();
      const retryable = info.errorType !== "CLIENT_ERROR" || neverAnswered(info.error);
      if (!retryable) throw new Error("not retryable");
      if (retry >= options.retries) {
        options.onGiveUp?.(`all ${options.retries} retries used`);
        throw new Error("retries exhausted");
      }
      let delay = backoffDelay(retry, info.errorType === "THROTTLING", random);
      const hint = info.retryAfterHint?.getTime();
      if (hint !== undefined) delay = Math.min(MAX_DELAY_MS, Math.max(delay, hint - now()));
      if (now() + delay + MIN_ATTEMPT_MS > options.deadline()) {
        options.onGiveUp?.("no time left before the next boundary");
        throw new Error("deadline");
      }
      options.onRetry?.({ attempt: retry + 2, delayMs: delay, errorType: info.errorType, error: info.error });
      return token(retry + 1, delay);
    },
    recordSuccess: () => {},
  };
}
