import { describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { type FastPathReport, readColumns } from "../../src/db/readColumns.ts";

describe("readColumns", () => {
  it("copies DOUBLE and INTEGER vectors whole through the client's private fields", async () => {
    const db = await Database.open(":memory:");
    try {
      const report: FastPathReport = { fast: 0, slow: 0 };
      const columns = await db.withConnection(async (c) =>
        readColumns(
          await c.run(`SELECT i::INTEGER AS n, CASE WHEN i % 3 = 0 THEN NULL ELSE i / 2 END::DOUBLE AS x,
            'r' || i AS label FROM range(5000) t(i) ORDER BY i`),
          report,
        ),
      );
      // If a client upgrade renames `items` or `validity`, this is where it shows: the values would
      // still come back, value by value, and every release read would be several times slower.
      expect(report.slow, "the DuckDB client's vector internals changed: see src/db/readColumns.ts").toBe(0);
      expect(report.fast).toBeGreaterThanOrEqual(2);
      expect(columns.n).toBeInstanceOf(Int32Array);
      expect(columns.x).toBeInstanceOf(Float64Array);
      const x = columns.x as unknown as Float64Array;
      expect(Number.isNaN(x[0])).toBe(true);
      expect(x[1]).toBe(0.5);
      expect(x[4999]).toBe(2499.5);
      expect((columns.n as unknown as Int32Array)[4321]).toBe(4321);
      expect((columns.label as string[])[7]).toBe("r7");
    } finally {
      db.close();
    }
  });

  it("refuses an INTEGER column holding NULLs rather than read the slot's leftover value", async () => {
    const db = await Database.open(":memory:");
    try {
      await expect(
        db.withConnection(async (c) =>
          readColumns(
            await c.run("SELECT CASE WHEN i = 2 THEN NULL ELSE i END::INTEGER AS n FROM range(4) t(i)"),
          ),
        ),
      ).rejects.toThrow(/has NULLs/);
    } finally {
      db.close();
    }
  });
});
