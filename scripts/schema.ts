/**
 * Writes the JSON Schema of the metrics file, generated from the valibot schema that validates
 * it, so editors can check a file as it is typed.
 *
 *   bun run schema            (a test fails when the committed file is out of date)
 */

import { join } from "node:path";
import { toJsonSchema } from "@valibot/to-json-schema";
import { MetricsFileSchema } from "../src/config/file.ts";

export const SCHEMA_PATH = join(import.meta.dir, "..", "src", "config", "metrics-config.schema.json");

/** The schema as JSON text (rules valibot cannot express in JSON Schema are left to the program). */
export function schemaText(): string {
  const schema = toJsonSchema(MetricsFileSchema, { errorMode: "ignore" });
  return `${JSON.stringify({ ...schema, title: "cloudwatch-publisher metrics file" }, null, 2)}\n`;
}

if (import.meta.main) {
  await Bun.write(SCHEMA_PATH, schemaText());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
