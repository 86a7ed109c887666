import type { StorageResolution, Unit } from "./cloudwatch/limits.ts";

export interface Dimension {
  readonly name: string;
  readonly value: string;
}

/** One measured value, stamped when it was measured; the unit of everything the pipeline moves. */
export interface Datum {
  readonly namespace: string;
  readonly metricName: string;
  readonly value: number;
  readonly unit: Unit;
  /** Epoch milliseconds of the measurement (the schedule boundary in `run` mode). */
  readonly timestamp: number;
  readonly dimensions: readonly Dimension[];
  readonly storageResolution: StorageResolution;
}
