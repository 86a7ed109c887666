/** The published JSON Schema (a dev dependency generates it, so this is not among the image's unit tests). */
import { expect, test } from "bun:test";
import { schemaText } from "../scripts/schema.ts";

test("the committed JSON Schema is generated from the same valibot schema (bun run schema)", async () => {
  const committed = await Bun.file(`${import.meta.dir}/../src/config/metrics-config.schema.json`).text();
  const schema = JSON.parse(committed);
  expect(schema).toEqual(JSON.parse(schemaText()));
  expect(schema.properties.metrics.items.properties.unit.enum).toContain("Count/Second");
  expect(schema.properties.metrics.items.properties.source.oneOf).toHaveLength(5);
});
