import { describe, expect, it } from "vitest";
import { type AuditTable, publicCompliance } from "../../src/approvals/index.ts";
import { findRecoverableCells } from "../../src/disclosure/index.ts";

const rows = (list: [string, number, number, number][]) =>
  list.map(([organisation, approved, approved_after, without_approval]) => ({
    organisation,
    restricted: approved + approved_after + without_approval,
    approved,
    approved_after,
    without_approval,
  }));
const table = (name: string, list: [string, number, number, number][]): AuditTable => ({
  name,
  title: name,
  columns: [],
  rows: rows(list),
});

const providers = table("providers", [
  ["RA0", 40, 12, 9],
  ["RA1", 55, 3, 10],
  ["RA2", 30, 8, 2],
  ["RA3", 70, 9, 14],
]);
const commissioners = table("commissioners", [
  ["QA0", 101, 20, 23],
  ["QA1", 94, 12, 12],
]);

describe("publicCompliance", () => {
  const published = publicCompliance({ providers, commissioners });
  const all = published.flatMap((t) => t.rows);

  it("publishes no count from 1 to 5", () => {
    for (const row of all)
      for (const m of ["restricted", "approved", "approved_after", "without_approval"]) {
        const v = row[m] as number | null;
        expect(v === null || v === 0 || v > 5, `${row.organisation} ${m} = ${v}`).toBe(true);
      }
  });

  it("hides enough that no hidden count can be worked out from the published ones and the totals", () => {
    const values: number[] = [];
    const shown: (number | null)[] = [];
    const relations: { total: number; parts: number[] }[] = [];
    const index = (v: number, s: number | null) => {
      values.push(v);
      shown.push(s);
      return values.length - 1;
    };
    const source = [providers, commissioners];
    // The reader's model, built apart from the code under test: each row and the shared total.
    const totals = ["restricted", "approved", "approved_after", "without_approval"].map((m) => {
      const pub = published[0]?.rows.find((r) => r.organisation === "All")?.[m] as number | null;
      return index(
        providers.rows.reduce((t, r) => t + Number(r[m]), 0),
        pub ?? null,
      );
    });
    relations.push({ total: totals[0] as number, parts: totals.slice(1) });
    source.forEach((t, level) => {
      const columns: number[][] = [[], [], [], []];
      for (const row of t.rows) {
        const pub = published[level]?.rows.find((r) => r.organisation === row.organisation) ?? {};
        const cells = ["restricted", "approved", "approved_after", "without_approval"].map((m) =>
          index(Number(row[m]), (pub as Record<string, number | null>)[m] ?? null),
        );
        relations.push({ total: cells[0] as number, parts: cells.slice(1) });
        cells.forEach((c, i) => {
          columns[i]?.push(c);
        });
      }
      columns.forEach((parts, i) => {
        relations.push({ total: totals[i] as number, parts });
      });
    });
    const recovered = findRecoverableCells(relations, {
      published: shown,
      lower: values.map(() => 0),
      upper: values.map(() => Number.POSITIVE_INFINITY),
    }).filter((c) => (values[c] ?? 0) >= 1 && (values[c] ?? 0) <= 5);
    expect(recovered).toEqual([]);
    expect(shown.some((s) => s === null)).toBe(true);
  });

  it("shows a compliance rate only beside both of its counts, and marks every row with a hidden count", () => {
    const ra2 = published[0]?.rows.find((r) => r.organisation === "RA2");
    expect(ra2?.without_approval).toBeNull();
    expect(ra2?.suppressed).toBe("redacted");
    for (const row of all) {
      if (row.approved === null || row.restricted === null) expect(row.compliance).toBeNull();
      else expect(row.compliance).toBeCloseTo(Number(row.approved) / Number(row.restricted), 10);
    }
    const qa0 = published[1]?.rows.find((r) => r.organisation === "QA0");
    expect(qa0).toMatchObject({ restricted: 144, approved: 101, suppressed: null });
  });
});
