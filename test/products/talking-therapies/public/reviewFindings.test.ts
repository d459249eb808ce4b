import { describe, expect, it } from "vitest";
import { monthlyReconciliation } from "../../../../src/products/talking-therapies/public/monthlyReconciliation.ts";
import { reviewFindings } from "../../../../src/products/talking-therapies/public/reviewFindings.ts";
import type { Cell, PublicTable } from "../../../../src/products/talking-therapies/public/reviewTables.ts";

const table = (id: string, rows: Record<string, Cell>[]): PublicTable => ({
  id,
  page: "overview",
  title: id,
  method: "",
  columns: [],
  rows,
});

describe("monthlyReconciliation", () => {
  it("flags a month far from the median month and the year against the published figure, with the cause", () => {
    const monthly = table("monthly", [
      { month: "2024-04", referrals: 100, finished: 40 },
      { month: "2024-05", referrals: 100, finished: 40 },
      { month: "2024-06", referrals: 50, finished: 40 },
      { month: "2024-07", referrals: 100, finished: 40 },
    ]);
    const t = monthlyReconciliation(
      monthly,
      { referrals: 400, finished: 160 },
      { referrals: "records missing for some months" },
    );
    const june = t.rows.find((r) => r.measure === "Referrals received" && r.period === "2024-06");
    expect(june?.status).toBe("flagged");
    expect(june?.difference).toBe("-50%");
    expect(String(june?.explanation)).toContain("records missing");
    expect(t.rows.find((r) => r.period === "2024-05")?.status).toBe("in line");
    // 350 against 400 published: 50 apart, more than the rounding allows (2.5 × 4 months).
    const year = t.rows.find((r) => r.measure === "Referrals received" && r.period === "Year");
    expect([year?.local, year?.difference, year?.status]).toEqual([350, "-50", "flagged"]);
    const finishedYear = t.rows.find((r) => r.measure === "Finished a course" && r.period === "Year");
    expect(finishedYear?.status).toBe("agrees");
  });
});

describe("reviewFindings", () => {
  const tables = (over18: number, group: number, individual: number) =>
    new Map(
      [
        table("gaps", [
          { gap: "Second to third treatment", area: "Whole service", over_18_rate: 20 },
          { gap: "Second to third treatment", area: "Sub-ICB 07K", over_18_rate: over18 },
          { gap: "Second to third treatment", area: "Sub-ICB 26A", over_18_rate: 0 },
        ]),
        table("dna-therapy-mode", [
          { label: "Group", dna_rate: group },
          { label: "Individual", dna_rate: individual },
        ]),
        table("standards", [{ measure: "Recovery", service: 52 }]),
      ].map((t) => [t.id, t]),
    );

  it("puts a hidden later wait and high group DNA rates into the summary with their recommendations", () => {
    const f = new Map(reviewFindings(tables(72.5, 18.9, 5.7)).map((x) => [x.id, x]));
    expect(f.get("hidden-waits")?.crosses).toBe(true);
    expect(f.get("hidden-waits")?.text).toContain("Sub-ICB 07K: 72.5%");
    expect(f.get("hidden-waits")?.recommendation).toMatch(/waiting-list reports for all waits/);
    expect(f.get("group-dna")?.crosses).toBe(true);
    // Recovery at 52% meets the 50% standard: good practice, not a summary finding.
    expect(f.get("recovery")?.crosses).toBe(false);
  });

  it("leaves figures inside their thresholds out of the summary", () => {
    const f = new Map(reviewFindings(tables(8, 9, 7)).map((x) => [x.id, x]));
    expect(f.get("hidden-waits")?.crosses).toBe(false);
    expect(f.get("group-dna")?.crosses).toBe(false);
  });
});
