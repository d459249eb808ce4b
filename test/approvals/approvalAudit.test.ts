import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestActivity } from "../../src/activity/index.ts";
import { latestAudit, publishAudit } from "../../src/approvals/auditStore.ts";
import {
  type AuditTable,
  approvalAudit,
  defaultApprovalPolicy,
  financialYear,
  loadApprovals,
  writeAuditPack,
} from "../../src/approvals/index.ts";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { EbiError } from "../../src/errors/index.ts";
import { loadRuleSets, type ResolvedRuleSet } from "../../src/rules/index.ts";
import { openState } from "../../src/state/stateDb.ts";
import { openStore } from "../../src/store/index.ts";

const fixtures = join(import.meta.dirname, "../fixtures/approvals");
let ruleSets: ResolvedRuleSet[];

async function storeWithActivity(): Promise<Database> {
  const db = await openStore(":memory:");
  await db.run(
    `INSERT INTO ref_organisations (code, name, level, parent_code, source) VALUES ('01A', 'Place A', 'sub_icb', 'QX1', 't')`,
  );
  const reportsDir = mkdtempSync(join(tmpdir(), "approvals-audit-"));
  await ingestActivity(
    db,
    { kind: "apc", files: [join(fixtures, "activity.csv")], reportsDir },
    quietEffects(),
  );
  return db;
}

const table = (tables: AuditTable[], name: string) => {
  const found = tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
};

describe("approvalAudit", () => {
  let tables: AuditTable[];
  beforeAll(async () => {
    ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
    const db = await storeWithActivity();
    await loadApprovals(db, { file: join(fixtures, "approvals.csv"), ruleSets }, quietEffects());
    tables = await approvalAudit(
      db,
      { ruleSets, policy: defaultApprovalPolicy, period: financialYear(2025) },
      quietEffects(),
    );
    db.close();
  });

  it("counts restricted spells, approvals before and after, and the Wilson interval per provider", () => {
    const [rx1] = table(tables, "providers").rows;
    // 20 restricted spells: 9 approved beforehand, 2 approved after; 9/20 has the Wilson interval 0.2582 to 0.6579.
    expect(rx1).toMatchObject({
      organisation: "RX1",
      restricted: 20,
      approved: 9,
      approved_after: 2,
      without_approval: 9,
    });
    expect(rx1?.compliance).toBeCloseTo(0.45, 10);
    expect(rx1?.compliance_lower).toBeCloseTo(0.2582, 4);
    expect(rx1?.compliance_upper).toBeCloseTo(0.6579, 4);
    // 11 spells not approved beforehand, all List 1 at the default £1,264 each.
    expect(rx1?.unapproved_cost).toBe(11 * 1264);
    // AP07, AP09C, AP20 and AP22 were approved and never used (AP09A and AP21 were declined).
    expect(rx1?.unused_approvals).toBe(4);
  });

  it("publishes the audit into the state database and reads it back as the pages show it", async () => {
    const state = await openState({ dir: null });
    try {
      const clock = { now: () => new Date("2026-04-02T09:00:00Z") };
      const provenance = { period: "2025/26", ruleSets: "r", policy: "p", generatedAt: "g", method: "m" };
      await publishAudit(state, clock, { period: "2025/26", provenance, tables: [] });
      const id = await publishAudit(state, clock, { period: "2025/26", provenance, tables });
      const latest = await latestAudit(state);
      expect(latest?.id).toBe(id);
      expect(latest?.tables.map((t) => t.name)).toEqual(tables.map((t) => t.name));
      const challenge = latest?.tables.find((t) => t.name === "challenge_list");
      expect(challenge?.patientLevel).toBe(true);
      expect(challenge?.rows).toHaveLength(table(tables, "challenge_list").rows.length);
      expect(String(challenge?.rows[0]?.admission_date)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(latest?.tables.find((t) => t.name === "providers")?.rows[0]).toMatchObject({
        organisation: "RX1",
        restricted: 20,
        approved: 9,
      });
    } finally {
      await state.close();
    }
  });

  it("reports the commissioner as the sub-ICB's ICB", () => {
    expect(table(tables, "commissioners").rows).toMatchObject([
      { organisation: "QX1", restricted: 20, approved: 9 },
    ]);
  });

  it("puts every spell not approved beforehand on the challenge list, marked patient-level", () => {
    const challenge = table(tables, "challenge_list");
    expect(challenge.patientLevel).toBe(true);
    expect(challenge.rows).toHaveLength(11);
    expect(new Set(challenge.rows.map((r) => r.status))).toEqual(
      new Set([
        "approved_after",
        "expired",
        "declined",
        "other_provider",
        "other_intervention",
        "no_approval",
      ]),
    );
  });

  it("lists approved approvals never used", () => {
    expect(table(tables, "unused_approvals").rows.map((r) => r.approval_ref)).toEqual([
      "AP07",
      "AP09C",
      "AP20",
      "AP22",
    ]);
  });

  it("counts each month per provider and commissioner, and charts no series too small to chart", () => {
    const monthly = table(tables, "monthly").rows;
    const series = (level: string, organisation: string) =>
      monthly
        .filter((r) => r.level === level && r.organisation === organisation && r.intervention_id === "all")
        .map((r) => `${String(r.month).slice(0, 7)}:${r.approved}/${r.restricted}`);
    const expected = [
      "2025-05:1/2",
      "2025-06:0/3",
      "2025-07:0/3",
      "2025-08:4/5",
      "2025-09:4/5",
      "2025-10:0/2",
    ];
    expect(series("provider", "RX1")).toEqual(expected);
    expect(series("commissioner", "QX1")).toEqual(expected);
    expect(monthly.every((r) => r.mean === null && r.special_cause === null)).toBe(true);
  });

  it("writes a pack of CSV files and one workbook whose notes name the method and the patient-level sheets", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "approvals-pack-")), "2025-26");
    const files = await writeAuditPack(
      dir,
      "approvals-audit",
      tables,
      {
        period: "2025/26",
        ruleSets: "ebi-list-1",
        policy: "default-2019",
        generatedAt: "2026-01-01T00:00:00.000Z",
        method: "m",
      },
      "Audit",
    );
    expect(files.map((f) => f.slice(dir.length + 1))).toContain("approvals-audit.xlsx");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(join(dir, "approvals-audit.xlsx"));
    expect(workbook.worksheets.map((w) => w.name)).toEqual(["notes", ...tables.map((t) => t.name)]);
    const notes = workbook.getWorksheet("notes");
    const challengeNote = notes?.getColumn(1).values.indexOf("challenge_list") ?? -1;
    expect(notes?.getRow(challengeNote).getCell(4).value).toBe("yes");
    expect(workbook.getWorksheet("providers")?.getRow(2).getCell(2).value).toBe(20);
  });
});

describe("approvalAudit with a local policy and an empty store", () => {
  it("leaves out the interventions the commissioner's policy does not restrict", async () => {
    const db = await storeWithActivity();
    await loadApprovals(db, { file: join(fixtures, "approvals.csv"), ruleSets }, quietEffects());
    const policy = {
      version: "local",
      rules: [
        ...defaultApprovalPolicy.rules,
        { commissioner: "QX1", intervention: "M", requires: "none" as const, effective_from: "2025-04-01" },
      ],
    };
    const tables = await approvalAudit(db, { ruleSets, policy, period: financialYear(2025) }, quietEffects());
    // The four carpal tunnel rows (S04, S05, S14 approved, S15) no longer count.
    expect(table(tables, "providers").rows[0]).toMatchObject({ restricted: 16, approved: 8 });
    db.close();
  });

  it("refuses to audit a store without approvals", async () => {
    const db = await storeWithActivity();
    await expect(
      approvalAudit(
        db,
        { ruleSets, policy: defaultApprovalPolicy, period: financialYear(2025) },
        quietEffects(),
      ),
    ).rejects.toThrow(EbiError);
    db.close();
  });
});
