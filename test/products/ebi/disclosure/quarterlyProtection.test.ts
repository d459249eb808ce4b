import { describe, expect, it } from "vitest";
import { auditRelease } from "../../../../src/products/ebi/disclosure/attackRelease.ts";
import { auditPublicRelease } from "../../../../src/products/ebi/disclosure/auditPublicRelease.ts";
import { ebiDashboardPolicy } from "../../../../src/products/ebi/disclosure/policies.ts";
import { protectRelease } from "../../../../src/products/ebi/disclosure/protectRelease.ts";
import { releaseCellSystem } from "../../../../src/products/ebi/disclosure/releaseCellSystem.ts";
import { quarterlyRows } from "../../../../src/products/ebi/figures/quarterly.ts";
import { ID, smallCountry } from "../../../fixtures/disclosure/smallCountry.ts";

const policy = { threshold: 5, rounding: null };

/** S01 has 3 spells in April, 50 in May and June, 20 a month after; every other location 30 a month. */
function country() {
  const sub: Record<string, number[]> = { S01: [3, 50, 50, ...Array(9).fill(20)] };
  for (const code of ["S02", "S03", "S04", "S05", "S06"]) sub[code] = Array(12).fill(30);
  const registered = smallCountry(sub);
  registered.quarterly = quarterlyRows(registered.monthly);
  return registered;
}
const quarterOf = (tables: ReturnType<typeof country>, org: string, start: string) =>
  tables.quarterly.find((q) => q.org_code === org && q.quarter_start === start);

describe("quarterly totals protected at build time", () => {
  it("relates each quarter to its months and to its children's quarters", () => {
    const registered = country();
    const system = releaseCellSystem(registered, registered.organisations);
    const cell = (key: string) => system.find(key) as number;
    const relation = (total: string) =>
      system.relations
        .filter((r) => r.total === cell(total))
        .map((r) => r.parts.map((p) => system.keys[p]).sort());
    expect(relation("q|sub_icb|S01|2017-04-01")).toEqual([
      ["m|sub_icb|S01|2017-04-01", "m|sub_icb|S01|2017-05-01", "m|sub_icb|S01|2017-06-01"],
    ]);
    expect(relation("q|icb|QA1|2017-07-01")).toContainEqual([
      "q|sub_icb|S01|2017-07-01",
      "q|sub_icb|S02|2017-07-01",
      "q|sub_icb|S03|2017-07-01",
    ]);
    expect(system.values[cell("q|sub_icb|S01|2017-04-01")]).toBe(103);
  });

  it("publishes the quarter that holds a hidden month, and the attacker cannot narrow that month", async () => {
    const registered = country();
    const { tables } = await protectRelease(registered, { policy: ebiDashboardPolicy });
    const april = tables.monthly.find((m) => m.org_code === "S01" && m.month === "2017-04-01");
    expect(april?.spells).toBeNull();
    expect(quarterOf(tables, "S01", "2017-04-01")?.spells).toBe(103);
    // Every quarter of every commissioner is published here; only months were hidden.
    expect(tables.quarterly.filter((q) => q.spells === null)).toEqual([]);
    expect(auditPublicRelease(registered, tables, 5)).toEqual([]);
    const audit = await auditRelease(registered, tables, policy, 25);
    expect(audit.problems).toEqual([]);
  });

  it("finds the small month a quarter published without protection gives away", async () => {
    const registered = country();
    // Protect as if no quarter were published, then publish the registered quarters beside it.
    const { tables } = await protectRelease({ ...registered, quarterly: [] }, { policy: ebiDashboardPolicy });
    const naive = { ...tables, quarterly: registered.quarterly.map((q) => ({ ...q })) };
    const audit = await auditRelease(registered, naive, policy, 25);
    expect(audit.exposed.map((e) => `${e.key}=${e.value}`)).toContain("m|sub_icb|S01|2017-04-01=3");
    expect(ID).toBe(audit.exposed[0]?.intervention);
  });
});
