import type { Datum } from "../datum.ts";

export interface PublishOptions {
  /** Aborts in-flight requests: the cycle deadline or a shutdown. */
  readonly signal: AbortSignal;
  /** Epoch ms by which every attempt, retries included, must be over. */
  readonly deadline: number;
}

export interface Failure {
  readonly datums: readonly Datum[];
  readonly error: Error;
}

export interface Rejected {
  readonly datum: Datum;
  readonly error: Error;
}

export interface PublishResult {
  readonly requests: number;
  readonly delivered: number;
  /** Datums not delivered this time (throttled, unreachable…): to be sent again later. */
  readonly failures: readonly Failure[];
  /** Datums CloudWatch refused as invalid: never sent again. */
  readonly rejected: readonly Rejected[];
}

/** Where a cycle's datums go: CloudWatch, or stdout for `--dry-run`. */
export interface Sink {
  publish(datums: readonly Datum[], options: PublishOptions): Promise<PublishResult>;
}
