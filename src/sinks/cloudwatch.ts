import type { PutMetricData } from "../cloudwatch/client.ts";
import type { Datum } from "../datum.ts";
import type { Logger } from "../log.ts";
import { toBatches } from "./batch.ts";
import type { Failure, Rejected, Sink } from "./sink.ts";
import { toWire } from "./wire.ts";

/** Why a request failed, in CloudWatch's own words where it gave any. */
export function describeError(error: unknown): { error: string; message: string; status?: number } {
  if (!(error instanceof Error)) return { error: "Error", message: String(error) };
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: unknown }).code;
  const name = typeof code === "string" && error.name === "TypeError" ? code : error.name;
  return { error: name, message: error.message, ...(status === undefined ? {} : { status }) };
}

/** CloudWatch's answers that mean "this request's data is invalid", not "try again". */
const INVALID =
  /^(InvalidParameterValue|InvalidParameterCombination|MissingParameter|MissingRequiredParameter)(Exception)?$/;

/** True when CloudWatch refused the request's content; sending it again would fail again. */
export function isInvalidData(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 400 && error instanceof Error && INVALID.test(error.name);
}

/** The 1-based datum a CloudWatch message names (`…parameter MetricData.member.7.Value…`). */
export function namedMember(message: string): number | undefined {
  const m = /MetricData\.member\.(\d+)\b/.exec(message);
  return m ? Number(m[1]) : undefined;
}

const datumFields = (d: Datum) => ({
  namespace: d.namespace,
  metric: d.metricName,
  value: d.value,
  timestamp: new Date(d.timestamp).toISOString(),
});

/**
 * Sends datums to CloudWatch in as few requests as the limits allow, one at a time. A request
 * CloudWatch refuses as invalid is split until the bad datum is alone (or named in the error):
 * that datum is dropped and logged, and every other one is delivered.
 */
export function cloudWatchSink(put: PutMetricData, log: Logger, endpoint: string, now = Date.now): Sink {
  return {
    async publish(datums, { signal, deadline }) {
      const failures: Failure[] = [];
      const rejected: Rejected[] = [];
      let delivered = 0;
      let requests = 0;

      const send = async (namespace: string, batch: readonly Datum[]): Promise<void> => {
        if (signal.aborted) {
          failures.push({ datums: batch, error: new Error("not sent: the cycle's time ran out") });
          return;
        }
        const started = now();
        const fields = { namespace, datums: batch.length };
        requests++;
        try {
          const result = await put(
            { Namespace: namespace, MetricData: batch.map(toWire) },
            { signal, deadline },
          );
          delivered += batch.length;
          log.debug("request accepted", {
            ...fields,
            requestId: result.requestId,
            attempt: result.attempts,
            durationMs: now() - started,
          });
        } catch (error) {
          const cause = error instanceof Error ? error : new Error(String(error));
          const described = describeError(error);
          if (!isInvalidData(error)) {
            failures.push({ datums: batch, error: cause });
            const msg =
              described.status === undefined
                ? `could not reach CloudWatch at ${endpoint}`
                : `CloudWatch rejected the request (HTTP ${described.status})`;
            log.error(msg, { ...fields, endpoint, ...described, durationMs: now() - started });
            return;
          }
          const reject = (datum: Datum) => {
            rejected.push({ datum, error: cause });
            log.error("CloudWatch rejected a datapoint as invalid; it is dropped", {
              ...datumFields(datum),
              ...described,
            });
          };
          const [only] = batch;
          if (batch.length === 1 && only !== undefined) {
            reject(only);
            return;
          }
          // Isolate the bad datum: the one CloudWatch names, else by halves.
          const member = namedMember(cause.message);
          const named = member === undefined ? undefined : batch[member - 1];
          if (named !== undefined) {
            reject(named);
            await send(
              namespace,
              batch.filter((d) => d !== named),
            );
            return;
          }
          const half = Math.ceil(batch.length / 2);
          await send(namespace, batch.slice(0, half));
          await send(namespace, batch.slice(half));
        }
      };

      for (const batch of toBatches(datums)) await send(batch.input.Namespace, batch.datums);
      return { requests, delivered, failures, rejected };
    },
  };
}
