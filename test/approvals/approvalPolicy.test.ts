import { describe, expect, it } from "vitest";
import {
  type ApprovalPolicy,
  defaultApprovalPolicy,
  policyJoinSql,
  requiredApproval,
  writePolicyRules,
} from "../../src/approvals/index.ts";
import { Database } from "../../src/db/index.ts";

const policy: ApprovalPolicy = {
  version: "local-2025",
  rules: [
    ...defaultApprovalPolicy.rules,
    {
      commissioner: "QX1",
      intervention: "category:2",
      requires: "attestation",
      effective_from: "2024-04-01",
    },
    {
      commissioner: "01A",
      intervention: "M",
      requires: "none",
      effective_from: "2025-04-01",
      note: "carpal tunnel by referral criteria",
    },
    {
      commissioner: "QX1",
      intervention: "ebi-list-1/carpal-tunnel-release",
      requires: "PA",
      effective_from: "2023-04-01",
    },
  ],
};

const carpal = {
  intervention_id: "ebi-list-1/carpal-tunnel-release",
  official_id: "M",
  category: 2,
  list: "List 1",
};
const knee = {
  intervention_id: "ebi-list-1/knee-arthroscopy-osteoarthritis",
  official_id: "C",
  category: 1,
  list: "List 1",
};
const hernia = {
  intervention_id: "ebi-list-2/inguinal-hernia-repair",
  official_id: null,
  category: null,
  list: "List 2",
};

const cases: [string, string[], typeof carpal | typeof hernia, string, string | undefined][] = [
  ["national default for Category 1", ["02B", "QY9"], knee, "2025-05-01", "IFR"],
  ["national default for Category 2", ["02B", "QY9"], carpal, "2025-05-01", "PA"],
  ["the catch-all for an uncategorised item", ["02B", "QY9"], hernia, "2025-05-01", "PA"],
  [
    "an ICB's category rule over the national one",
    ["02B", "QX1"],
    { ...carpal, intervention_id: "ebi-list-1/ganglion-excision", official_id: "O" },
    "2025-05-01",
    "attestation",
  ],
  ["an ICB's intervention rule over its category rule", ["02B", "QX1"], carpal, "2025-05-01", "PA"],
  ["a sub-ICB's rule over its ICB's, once in force", ["01A", "QX1"], carpal, "2025-05-01", "none"],
  ["the sub-ICB's rule not yet in force", ["01A", "QX1"], carpal, "2025-03-31", "PA"],
  ["nothing before the first rule", ["01A", "QX1"], knee, "2018-01-01", undefined],
];

describe("requiredApproval", () => {
  it.each(cases)("resolves %s", (_name, codes, intervention, date, expected) => {
    expect(requiredApproval(policy, { codes, intervention, date })?.requires).toBe(expected);
  });
});

describe("policyJoinSql", () => {
  it("gives every spell the same requirement as requiredApproval", async () => {
    const db = await Database.open(":memory:");
    try {
      const rows = await db.withConnection(async (connection) => {
        await writePolicyRules(connection, policy);
        await connection.run(
          "CREATE TEMP TABLE spells (spell_id VARCHAR, intervention_id VARCHAR, sub_icb VARCHAR, icb VARCHAR, official_id VARCHAR, category INTEGER, list VARCHAR, admission_date DATE)",
        );
        for (const [i, [, codes, intervention, date]] of cases.entries())
          await connection.run(
            "INSERT INTO spells VALUES ($id, $iid, $sub, $icb, $official, $category, $list, $date::DATE)",
            {
              id: `S${i}`,
              iid: intervention.intervention_id,
              sub: codes[0] as string,
              icb: codes[1] as string,
              official: intervention.official_id,
              category: intervention.category,
              list: intervention.list,
              date,
            },
          );
        return (
          await connection.runAndReadAll(
            `SELECT spell_id, requires FROM (${policyJoinSql("spells")}) ORDER BY spell_id`,
          )
        ).getRowObjectsJS();
      });
      const bySpell = Object.fromEntries(rows.map((r) => [r.spell_id, r.requires ?? undefined]));
      expect(cases.map((_, i) => bySpell[`S${i}`])).toEqual(cases.map((c) => c[4]));
    } finally {
      db.close();
    }
  });
});
