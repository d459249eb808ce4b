import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quietEffects } from "../../../../src/effects/index.ts";
import { EbiError } from "../../../../src/errors/index.ts";
import {
  buildPublicReview,
  tableCsv,
} from "../../../../src/products/talking-therapies/public/buildPublicReview.ts";
import type { PublicTable } from "../../../../src/products/talking-therapies/public/reviewTables.ts";

describe("buildPublicReview", () => {
  it("refuses a missing national file and leaves the built folder as it was", async () => {
    const outDir = join(mkdtempSync(join(tmpdir(), "tt-public-")), "public");
    mkdirSync(outDir);
    writeFileSync(join(outDir, "review.json"), "{}\n");
    const error = await buildPublicReview(
      { outDir, published: join(outDir, "missing.parquet") },
      quietEffects(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EbiError);
    expect((error as EbiError).code).toBe("EBI_TT_PUBLISHED");
    expect(readdirSync(outDir)).toEqual(["review.json"]);
    expect(readFileSync(join(outDir, "review.json"), "utf8")).toBe("{}\n");
  });
});

describe("buildPublicReview with a bad service configuration", () => {
  it("stops with EBI_TT_SERVICE_CONFIG naming the field, before building, and leaves the folder as it was", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-public-"));
    const outDir = join(dir, "public");
    mkdirSync(outDir);
    writeFileSync(join(outDir, "review.json"), "{}\n");
    const configuration = join(dir, "service.json");
    writeFileSync(
      configuration,
      JSON.stringify({ about: "x", provider: "RMY", year: "2024-25", workforce: [] }),
    );
    const error = await buildPublicReview(
      { outDir, published: "../shared/data/talking-therapies/measures_annual.parquet", configuration },
      quietEffects(),
    ).catch((e: unknown) => e);
    expect((error as EbiError).code).toBe("EBI_TT_SERVICE_CONFIG");
    expect((error as EbiError).message).toContain("workforce");
    expect(readdirSync(outDir)).toEqual(["review.json"]);
  });
});

describe("tableCsv", () => {
  it("writes labels as the header, [c] for suppressed figures, and quotes commas", () => {
    const table: PublicTable = {
      id: "t",
      page: "overview",
      title: "T",
      method: "",
      columns: [
        { key: "area", label: "Area, code", kind: "label" },
        { key: "n", label: "N", kind: "count" },
        { key: "p", label: "P (%)", kind: "percent" },
      ],
      rows: [
        { area: 'Sub-ICB "07K"', n: 3655, p: 49.5 },
        { area: "Small", n: null, p: "–" },
      ],
    };
    expect(tableCsv(table)).toBe('"Area, code",N,P (%)\n"Sub-ICB ""07K""",3655,49.5\nSmall,[c],–\n');
  });
});
