import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AuditTable,
  approvalAudit,
  defaultApprovalPolicy,
  financialYear,
  generateSyntheticApprovals,
  loadApprovals,
  writeSyntheticApprovals,
} from "../../src/approvals/index.ts";
import type { Database } from "../../src/db/index.ts";
import { generateDemo } from "../../src/demo/generateDemo.ts";
import { loadDemo } from "../../src/demo/loadDemo.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { loadRuleSets, type ResolvedRuleSet } from "../../src/rules/index.ts";
import { openStore } from "../../src/store/index.ts";

const period = financialYear(2023);

describe("generateSyntheticApprovals on the demo country", () => {
  let db: Database;
  let ruleSets: ResolvedRuleSet[];
  let tables: AuditTable[];
  let dir: string;
  const write = async (seed: string, file: string) =>
    db.withConnection(async (connection) => {
      await generateSyntheticApprovals(connection, { ruleSets, period, seed });
      await writeSyntheticApprovals(connection, file);
      return readFileSync(file, "utf8");
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "approvals-demo-"));
    const out = join(dir, "demo");
    await generateDemo(
      { scale: 0.004, start: "2023-04-01", end: "2024-03-31", formats: ["parquet"], outDir: out },
      quietEffects(),
    );
    db = await openStore(":memory:");
    await loadDemo(db, out, join(dir, "reports"), quietEffects());
    ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    await write("demo", join(dir, "approvals.csv"));
    const summary = await loadApprovals(db, { file: join(dir, "approvals.csv"), ruleSets }, quietEffects());
    expect(summary.rows_quarantined).toBe(0);
    tables = await approvalAudit(db, { ruleSets, policy: defaultApprovalPolicy, period }, quietEffects());
  }, 180_000);

  const rows = (name: string) => tables.find((t) => t.name === name)?.rows ?? [];

  it("writes the same file for the same seed and another for another seed", async () => {
    const first = readFileSync(join(dir, "approvals.csv"), "utf8");
    expect(await write("demo", join(dir, "again.csv"))).toBe(first);
    expect(await write("other", join(dir, "other.csv"))).not.toBe(first);
  });

  it("gives the second busiest provider poor compliance and the others good", () => {
    const providers = rows("providers").filter((r) => Number(r.restricted) >= 100);
    const sorted = [...providers].sort((a, b) => Number(b.restricted) - Number(a.restricted));
    const poor = sorted[1];
    expect(Number(poor?.compliance)).toBeLessThan(0.65);
    for (const other of sorted.filter((r) => r !== poor))
      expect(Number(other.compliance)).toBeGreaterThan(0.75);
  });

  it("has retrospective, expired and other-provider approvals, and approvals never used", () => {
    const statuses = new Set(rows("challenge_list").map((r) => r.status));
    for (const s of ["approved_after", "expired", "other_provider", "no_approval"])
      expect(statuses).toContain(s);
    expect(rows("unused_approvals").length).toBeGreaterThan(20);
  });

  it("declines requests more often in the more deprived deciles", () => {
    const deciles = rows("declines").filter((r) => r.dimension === "imd_decile" && r.group !== "Not known");
    const share = (from: number, to: number) => {
      const picked = deciles.filter((r) => Number(r.group) >= from && Number(r.group) <= to);
      return (
        picked.reduce((t, r) => t + Number(r.declined), 0) /
        picked.reduce((t, r) => t + Number(r.requests), 0)
      );
    };
    expect(share(1, 3)).toBeGreaterThan(share(8, 10));
  });
});
