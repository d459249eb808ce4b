import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  drawCaseNoteSample,
  estimateCompliance,
  readFindings,
  sampleSize,
} from "../../src/approvals/index.ts";
import { Database } from "../../src/db/index.ts";
import { EbiError } from "../../src/errors/index.ts";

describe("sampleSize", () => {
  it("gives the textbook sizes for ± 5% at 95% with p = 0.5", () => {
    // n0 = 1.959964² × 0.25 / 0.05² = 384.15; N = 1000: 384.15 / (1 + 383.15/1000) = 277.7.
    expect(sampleSize(1e9, { precision: 0.05 })).toBe(385);
    expect(sampleSize(1000, { precision: 0.05 })).toBe(278);
  });

  it("shrinks with a better expected rate and never exceeds the stratum", () => {
    // p = 0.9: n0 = 3.8415 × 0.09 / 0.01 = 34.57; N = 147: 34.57 / (1 + 33.57/147) = 28.15.
    expect(sampleSize(147, { precision: 0.1, expected: 0.9 })).toBe(29);
    expect(sampleSize(147, { precision: 0.1 })).toBe(59);
    expect(sampleSize(4, { precision: 0.05 })).toBe(4);
    expect(sampleSize(0, { precision: 0.05 })).toBe(0);
  });

  it("refuses a precision that is not a fraction", () => {
    expect(() => sampleSize(100, { precision: 5 })).toThrow(EbiError);
  });
});

describe("estimateCompliance", () => {
  it("weights each provider's rate by its size, with the finite-population variance", () => {
    // A: N 100, 20 reviewed, 18 compliant (0.9); B: N 300, 30 reviewed, 21 compliant (0.7).
    // p = 0.25 × 0.9 + 0.75 × 0.7 = 0.75.
    // var = 0.0625 × 0.8 × 0.09 / 19 + 0.5625 × 0.9 × 0.21 / 29 = 0.000236842 + 0.003665948 = 0.00390279.
    const estimate = estimateCompliance([
      { stratum: "A", population: 100, reviewed: 20, compliant: 18 },
      { stratum: "B", population: 300, reviewed: 30, compliant: 21 },
    ]);
    expect(estimate.rate).toBeCloseTo(0.75, 10);
    const half = 1.959964 * Math.sqrt(0.000236842 + 0.003665948);
    expect(estimate.lower).toBeCloseTo(0.75 - half, 5);
    expect(estimate.upper).toBeCloseTo(0.75 + half, 5);
    expect(estimate.reviewed).toBe(50);
    expect(estimate.strata[0]?.rate).toBeCloseTo(0.9, 10);
  });

  it("refuses findings with nothing reviewed", () => {
    expect(() => estimateCompliance([{ stratum: "A", population: 10, reviewed: 0, compliant: 0 }])).toThrow(
      EbiError,
    );
  });
});

describe("drawCaseNoteSample", () => {
  const sampleOf = async (seed: string) => {
    const db = await Database.open(":memory:");
    try {
      return await db.withConnection(async (connection) => {
        await connection.run(`CREATE TEMP TABLE audit_matches AS
          SELECT 'S' || i AS spell_id, 'P' || i AS patient_id, 'x/y' AS intervention_id, NULL::VARCHAR AS official_id,
                 DATE '2025-05-01' AS admission_date, CASE WHEN i <= 200 THEN 'RA1' ELSE 'RB2' END AS provider_code,
                 'approved' AS status, NULL::VARCHAR AS approval_ref
          FROM range(1, 231) t(i)`);
        const strata = await drawCaseNoteSample(connection, { seed, precision: 0.1 });
        const rows = (
          await connection.runAndReadAll("SELECT provider_code, spell_id FROM case_note_sample")
        ).getRowObjectsJS();
        return { strata, spells: rows.map((r) => `${r.provider_code}:${r.spell_id}`) };
      });
    } finally {
      db.close();
    }
  };

  it("draws each provider's sample size from that provider, the same for the same seed", async () => {
    const first = await sampleOf("audit-2025");
    // RA1: N 200 → 96.04 / (1 + 95.04/200) = 65.1 → 66; RB2: N 30 → 96.04 / (1 + 95.04/30) = 23.0 → 24.
    expect(first.strata).toEqual([
      { provider_code: "RA1", population: 200, sample: 66 },
      { provider_code: "RB2", population: 30, sample: 24 },
    ]);
    expect(first.spells.filter((s) => s.startsWith("RA1:"))).toHaveLength(66);
    expect(first.spells.filter((s) => s.startsWith("RB2:"))).toHaveLength(24);
    expect(
      first.spells.every((s) =>
        s.startsWith("RA1:") ? Number(s.slice(5)) <= 200 : Number(s.slice(5)) > 200,
      ),
    ).toBe(true);
    expect((await sampleOf("audit-2025")).spells).toEqual(first.spells);
    expect((await sampleOf("another seed")).spells).not.toEqual(first.spells);
  });
});

describe("readFindings", () => {
  it("counts reviewed and compliant spells per provider, leaving blanks out and reporting unreadable findings", async () => {
    const db = await Database.open(":memory:");
    try {
      const { strata, problems } = await db.withConnection((connection) =>
        readFindings(connection, join(import.meta.dirname, "../fixtures/approvals/findings.csv")),
      );
      expect(strata).toEqual([
        { stratum: "A", population: 100, reviewed: 3, compliant: 2 },
        { stratum: "B", population: 300, reviewed: 2, compliant: 1 },
      ]);
      expect(problems).toEqual([{ row: 6, field: "finding", value: "perhaps", reason: "finding-unknown" }]);
    } finally {
      db.close();
    }
  });
});
