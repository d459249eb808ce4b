import { describe, expect, it } from "vitest";
import { englandComparisonMarkdown } from "../../../../src/products/ebi/comparison/englandComparison.ts";
import type {
  BaselineRow,
  InterventionRow,
  ReleaseManifest,
  VariationRow,
} from "../../../../src/products/ebi/release/tables.ts";
import { publishedFigures } from "../../../../src/rules/index.ts";

const intervention = (id: string, measurable: boolean): InterventionRow => ({
  intervention_id: id,
  rule_set_id: id.split("/")[0] as string,
  rule_set_version: "1",
  official_id: null,
  slug: id.split("/")[1] as string,
  name: `name of ${id}`,
  list: "List 2",
  category: 2,
  setting: measurable ? ["apc"] : [],
  confidence: measurable ? "published" : "not-measurable",
  measurable,
  measurability: measurable ? "hes" : "dataset",
  dataset: measurable ? null : "DID",
  source_url: null,
  description: measurable
    ? "counts"
    : "Counted only with the Diagnostic Imaging Dataset (DID): no count is made here.",
  provenance: "test",
});

const baseline = (id: string, spells: number, dsr: number, opportunity: number): BaselineRow =>
  ({
    intervention_id: id,
    level: "england",
    org_code: "ENG",
    baseline_spells: spells,
    dsr,
    opportunity_spells: opportunity,
    baseline_cost: spells * 1000,
  }) as BaselineRow;

describe("englandComparisonMarkdown", () => {
  const meniscal = "ebi-list-2/meniscal-tear-arthroscopy";
  const markdown = englandComparisonMarkdown({
    releaseId: "r1",
    manifest: {
      rule_sets: [{ id: "ebi-list-2", version: "2020.2", sha256: "0" }],
      counting_unit: { unit: "spell", definition: "spells" },
    } as ReleaseManifest,
    interventions: [intervention(meniscal, true), intervention("ebi-list-2/imaging-low-back-pain", false)],
    baselines: [baseline(meniscal, 762, 64.1, 180)],
    variation: [
      {
        intervention_id: meniscal,
        level: "sub_icb",
        units: 18,
        p10: 40,
        p25: 53.2,
        p50: 66,
        p75: 80,
        p90: 100,
        n_fold: 2.5,
      } as VariationRow,
    ],
    scale: 0.02,
  });
  const row = (text: string) => markdown.split("\n").find((l) => l.includes(text)) ?? "";

  it("puts counts on England's footing by the scale and gives demo ÷ published", () => {
    // 762 ÷ 0.02 = 38,100 against 38,088: ratio 1.00.
    expect(row(`name of ${meniscal} | activity`)).toContain("| 38,100 | 1.00 |");
    // 180 ÷ 0.02 = 9,000 against 8,964.
    expect(row(`name of ${meniscal} | reduction opportunity`)).toContain("| 9,000 | 1.00 |");
    expect(row(`name of ${meniscal} | 90th percentile`)).toContain("| 100.0 | 1.03 |");
  });

  it("lists every published figure, saying why one has no demo value", () => {
    const tableRows = markdown
      .split("\n")
      .filter((l) => l.startsWith("| ") && !l.startsWith("| intervention") && !l.startsWith("| ---"));
    expect(tableRows).toHaveLength(publishedFigures.length);
    expect(row("imaging-low-back-pain | activity")).toContain(
      "not counted: Counted only with the Diagnostic Imaging Dataset",
    );
  });
});
