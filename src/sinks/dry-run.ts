import { toBatches } from "./batch.ts";
import type { Sink } from "./sink.ts";

/** Prints each request exactly as it would be sent, one JSON line per request; sends nothing. */
export function dryRunSink(write: (line: string) => void): Sink {
  return {
    async publish(datums) {
      const batches = toBatches(datums);
      for (const batch of batches) write(JSON.stringify(batch.input));
      return { requests: batches.length, delivered: datums.length, failures: [], rejected: [] };
    },
  };
}
