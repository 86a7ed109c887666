import type { PutMetricData } from "../cloudwatch/client.ts";
import type { Logger } from "../log.ts";
import { toBatches } from "./batch.ts";
import type { Failure, Sink } from "./sink.ts";

/** Why a request failed, in CloudWatch's own words where it gave any. */
export function describeError(error: unknown): { error: string; message: string; status?: number } {
  if (!(error instanceof Error)) return { error: "Error", message: String(error) };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: unknown }).code;
  const name = typeof code === "string" && error.name === "TypeError" ? code : error.name;
  return { error: name, message: error.message, ...(status === undefined ? {} : { status }) };
}

/** Sends datums to CloudWatch in as few requests as the limits allow, one at a time. */
export function cloudWatchSink(put: PutMetricData, log: Logger, endpoint: string, now = Date.now): Sink {
  return {
    async publish(datums, { signal, deadline }) {
      const failures: Failure[] = [];
      let delivered = 0;
      const batches = toBatches(datums);
      for (const batch of batches) {
        const started = now();
        const fields = { namespace: batch.input.Namespace, datums: batch.datums.length };
        try {
          if (signal.aborted) throw signal.reason;
          const result = await put(batch.input, { signal, deadline });
          delivered += batch.datums.length;
          log.debug("request accepted", {
            ...fields,
            requestId: result.requestId,
            attempt: result.attempts,
            durationMs: now() - started,
          });
        } catch (error) {
          const cause = error instanceof Error ? error : new Error(String(error));
          failures.push({ datums: batch.datums, error: cause });
          const described = describeError(error);
          const msg =
            described.status === undefined
              ? `could not reach CloudWatch at ${endpoint}`
              : `CloudWatch rejected the request (HTTP ${described.status})`;
          log.error(msg, { ...fields, endpoint, ...described, durationMs: now() - started });
        }
      }
      return { requests: batches.length, delivered, failures };
    },
  };
}
