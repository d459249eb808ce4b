import { describe, expect, it } from "vitest";
import { Database } from "../../../../src/db/index.ts";
import { providerCommissioners } from "../../../../src/products/ebi/figures/providerCommissioners.ts";

describe("providerCommissioners", () => {
  it("names the sub-ICB locations with more than the threshold of spells at a trust, most first, no counts", async () => {
    const db = await Database.open(":memory:");
    try {
      await db.run(`CREATE TABLE cube AS SELECT * FROM (VALUES
        ('RX1', '01A', DATE '2020-05-01', 4), ('RX1', '01A', DATE '2020-06-01', 3),
        ('RX1', '02B', DATE '2020-05-01', 20),
        ('RX1', '03C', DATE '2020-05-01', 5),
        ('RX1', '04D', DATE '2019-05-01', 50),
        ('RX2', '01A', DATE '2020-07-01', 6)) t(provider, sub_icb, month, spells)`);
      const rows = await db.withConnection((c) =>
        providerCommissioners(c, { start: "2020-04-01", end: "2021-03-01" }, 5),
      );
      // 01A: 7 > 5; 02B: 20; 03C: 5 is not above 5; 04D is before the period.
      expect(rows).toEqual([
        {
          provider: "RX1",
          commissioners: ["02B", "01A"],
          period: { start: "2020-04-01", end: "2021-03-01" },
        },
        { provider: "RX2", commissioners: ["01A"], period: { start: "2020-04-01", end: "2021-03-01" } },
      ]);
    } finally {
      db.close();
    }
  });
});
