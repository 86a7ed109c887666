import type { Datum } from "../datum.ts";

/** A source measures its metrics for one cycle, stamping each datum with `timestamp`. */
export type Source = (timestamp: number) => Promise<readonly Datum[]>;
