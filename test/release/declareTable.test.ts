import { describe, expect, it } from "vitest";
import {
  releaseTableDeclarations,
  releaseTables,
  tableColumns,
} from "../../src/products/ebi/release/tables.ts";
import { cellKeyOf, parquetColumns } from "../../src/release/declareTable.ts";
import { rowSchema } from "../../src/server/schemas.ts";

describe("release table declarations", () => {
  it("name only declared columns in keys, counts, derived figures and orders", () => {
    for (const table of releaseTableDeclarations) {
      const columns = Object.keys(table.columns);
      const named = [
        ...table.key,
        ...table.order,
        ...(table.unit ? [table.unit] : []),
        ...table.counts.flatMap((c) => [c.column, ...c.key]),
        ...Object.entries(table.derivedFrom).flatMap(([k, from]) => [k, ...(from ?? [])]),
      ];
      for (const name of named) expect(columns, `${table.name}.${name}`).toContain(name);
      for (const count of table.counts)
        expect(table.columns[count.column as never]).toMatchObject({ type: "BIGINT" });
    }
  });

  it("give each count a tag of its own, so cell keys never collide", () => {
    const tags = releaseTableDeclarations.flatMap((t) => t.counts.map((c) => c.tag));
    expect(new Set(tags).size).toBe(tags.length);
  });

  it("derive the Parquet schema and the API row schema from the one declaration", () => {
    expect(releaseTables).toEqual([
      "organisations",
      "monthly",
      "baselines",
      "trajectory",
      "variation",
      "equity",
      "quarterly",
    ]);
    for (const name of releaseTables) {
      const declared = releaseTableDeclarations.find((t) => t.name === name);
      expect(tableColumns(name)).toEqual(parquetColumns(declared as never));
      expect(Object.keys(rowSchema(declared as never).properties)).toEqual(Object.keys(tableColumns(name)));
    }
    expect(tableColumns("monthly")).toEqual({
      intervention_id: "VARCHAR",
      level: "VARCHAR",
      org_code: "VARCHAR",
      month: "VARCHAR",
      spells: "BIGINT",
      suppressed: "VARCHAR",
    });
  });

  it("keys a cell by its count's tag and key columns", () => {
    const equity = releaseTableDeclarations.find((t) => t.name === "equity");
    const count = equity?.counts[0];
    expect(count).toBeDefined();
    if (!count) return;
    expect(
      cellKeyOf(count, {
        period: "latest",
        dimension: "sex",
        group_code: "2",
        level: "icb",
        org_code: "QWE",
        spells: 8,
      }),
    ).toBe("e|latest|sex|2|icb|QWE");
  });
});
