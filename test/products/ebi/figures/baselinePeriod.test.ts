import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestActivity } from "../../../../src/activity/index.ts";
import { quietEffects } from "../../../../src/effects/index.ts";
import { build } from "../../../../src/products/ebi/build.ts";
import { parseBaselinePeriod } from "../../../../src/products/ebi/figures/baselinePeriod.ts";
import { openStore } from "../../../../src/store/index.ts";

const usage = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a usage error");
};

describe("a baseline period", () => {
  it("reads FROM:TO as the first days of 12 months", () => {
    expect(parseBaselinePeriod("--baseline-list2", "2018-04:2019-03")).toEqual({
      start: "2018-04-01",
      end: "2019-03-01",
    });
  });

  it.each([
    ["2019-03:2018-04", /ends before it starts/],
    ["2018-04:2018-13", /month 13 does not exist/],
    ["2018-00:2018-11", /month 00 does not exist/],
    ["2018-04:2018-09", /12 months, this is 6/],
    ["2018-04", /YYYY-MM:YYYY-MM/],
  ])("refuses %s as a usage error", (value, why) => {
    const error = usage(() => parseBaselinePeriod("--baseline-list1", value));
    expect(error.code).toBe("EBI_USAGE");
    expect(error.message).toMatch(why);
    expect(error.message).toContain("--baseline-list1");
  });

  it("is a usage error, before any classifying, when it lies outside the loaded activity", async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-baseline-"));
    const db = await openStore(":memory:");
    try {
      await ingestActivity(
        db,
        {
          kind: "apc",
          files: [join(import.meta.dirname, "../../../fixtures/activity/apc_mixed.csv")],
          reportsDir: home,
        },
        quietEffects(),
      );
      const error = await build(
        db,
        {
          releasesDir: join(home, "releases"),
          baselines: { "List 1": { start: "2010-04-01", end: "2011-03-01" } },
        },
        quietEffects(),
      ).catch((e) => e);
      expect(error.code).toBe("EBI_USAGE");
      expect(error.message).toMatch(
        /List 1 baseline 2010-04 to 2011-03 lies outside the loaded activity \(2019-0\d to 2019-0\d\)/,
      );
    } finally {
      db.close();
    }
  });
});
