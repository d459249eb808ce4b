import { describe, expect, it } from "vitest";
import {
  isProtectedCount,
  protectCount,
  protectedAverage,
  protectedPercent,
} from "../../../../src/products/talking-therapies/public/protectCount.ts";
import {
  protectTable,
  type TableSpec,
} from "../../../../src/products/talking-therapies/public/reviewTables.ts";

describe("protectCount", () => {
  it("shows 0, suppresses 1 to 7 and rounds the rest to the nearest 5", () => {
    expect(protectCount(0)).toBe(0);
    for (const n of [1, 2, 3, 4, 5, 6, 7]) expect(protectCount(n), String(n)).toBeNull();
    expect(protectCount(8)).toBe(10);
    expect(protectCount(12)).toBe(10);
    expect(protectCount(13)).toBe(15);
    expect(protectCount(24555)).toBe(24555);
    expect(protectCount(64472)).toBe(64470);
    expect(protectCount(64473)).toBe(64475);
  });

  it("refuses a negative or fractional count", () => {
    expect(() => protectCount(-1)).toThrow(RangeError);
    expect(() => protectCount(2.5)).toThrow(RangeError);
  });

  it("never gives a figure that isProtectedCount rejects", () => {
    for (let n = 0; n < 500; n++) expect(isProtectedCount(protectCount(n)), String(n)).toBe(true);
    expect(isProtectedCount(5)).toBe(false);
    expect(isProtectedCount(12)).toBe(false);
  });
});

describe("protectedPercent and protectedAverage", () => {
  it("works a percentage from the rounded counts, to one decimal place", () => {
    // 12 of 37 raw is 32.4%; published from 10 of 35 it is 28.6%.
    expect(protectedPercent(protectCount(12), protectCount(37))).toBe(28.6);
    expect(protectedPercent(null, 100)).toBeNull();
    expect(protectedPercent(10, null)).toBeNull();
    expect(protectedPercent(0, 0)).toBe("–");
  });

  it("hides an average of a group whose count is hidden", () => {
    expect(protectedAverage(6.64, 7)).toBeNull();
    expect(protectedAverage(6.64, 8)).toBe(6.6);
    expect(protectedAverage(null, 100)).toBeNull();
  });
});

describe("protectTable", () => {
  it("protects counts and works percentages from the protected counts", () => {
    const spec: TableSpec = {
      id: "t",
      page: "treatment",
      title: "T",
      method: "",
      sql: "",
      columns: [
        { key: "label", label: "Group", kind: "label" },
        { key: "n", label: "N", kind: "count" },
        { key: "k", label: "K", kind: "count" },
        { key: "rate", label: "Rate", kind: "percent", of: ["k", "n"] },
        { key: "mean", label: "Mean", kind: "average", of: ["mean", "n"] },
      ],
    };
    const table = protectTable(spec, [
      { label: "Group", n: 54301n, k: 10287, mean: 3.16 },
      { label: "Small", n: 6, k: 3, mean: 2 },
    ]);
    expect(table.rows).toEqual([
      { label: "Group", n: 54300, k: 10285, rate: 18.9, mean: 3.2 },
      { label: "Small", n: null, k: null, rate: null, mean: null },
    ]);
    expect(table).not.toHaveProperty("sql");
  });
});
