import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diffRuleSets, loadRuleSets } from "../../src/rules/index.ts";

const variant = join(import.meta.dirname, "../fixtures/rules/local-variant.json");

describe("diffRuleSets", () => {
  it("finds the September 2024 grommets revision as the one change from List 1's original version", async () => {
    const [original, current] = await loadRuleSets(["ebi-list-1@2019", "ebi-list-1"]);
    if (!original || !current) throw new Error("missing set");
    const changes = diffRuleSets(original, current);
    expect(changes.map((c) => [c.intervention_id, c.change, c.counting])).toEqual([
      ["ebi-list-1/grommets-glue-ear", "changed", ["age"]],
    ]);
    expect(changes[0]?.before).toContain("18 and under");
    expect(changes[0]?.after).toContain("ages 0 to 11");
  });

  it("names a local variant's removed, added and recoded interventions", async () => {
    const [national, local] = await loadRuleSets(["ebi-list-1", variant]);
    if (!national || !local) throw new Error("missing set");
    const changes = diffRuleSets(national, local);
    const byId = new Map(changes.map((c) => [c.intervention_id.split("/")[1], c]));
    expect(byId.get("haemorrhoid-surgery")).toMatchObject({ change: "changed", counting: ["match"] });
    expect(byId.get("local-cataract-second-eye")).toMatchObject({ change: "added", before: null });
    expect(byId.get("snoring-surgery")).toMatchObject({ change: "removed", after: null });
    expect(changes).toHaveLength(3);
  });

  it("finds nothing between a set and itself", async () => {
    const [a, b] = await loadRuleSets(["ebi-list-2", "ebi-list-2"]);
    if (!a || !b) throw new Error("missing set");
    expect(diffRuleSets(a, b)).toEqual([]);
  });
});
