import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { printedSchema, SCHEMA_FILE } from "@/scripts/print-schema";

describe("graphql/schema.graphql", () => {
  it("matches the schema the code builds (run `npm run graphql:schema` after changing it)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(printedSchema());
  });
});
