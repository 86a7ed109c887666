import { ConfigError } from "../../src/errors.ts";

/** The problems of the ConfigError that `load` throws; fails the test if it throws none. */
export function problemsOf(load: () => unknown): readonly string[] {
  try {
    load();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error("expected a ConfigError");
}
