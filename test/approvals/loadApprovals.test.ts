import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadApprovals } from "../../src/approvals/index.ts";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { loadRuleSets, type ResolvedRuleSet } from "../../src/rules/index.ts";
import { openStore } from "../../src/store/index.ts";

const fixture = join(import.meta.dirname, "../fixtures/approvals/approvals.csv");
let ruleSets: ResolvedRuleSet[];
beforeAll(async () => {
  ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
});

const counts = async (db: Database) =>
  (
    await db.all<{ approvals: number; quarantine: number; loads: number }>(
      `SELECT (SELECT count(*) FROM approvals) AS approvals, (SELECT count(*) FROM approval_quarantine) AS quarantine,
              (SELECT count(*) FROM approval_loads) AS loads`,
    )
  )[0];

describe("loadApprovals", () => {
  it("stores accepted rows, quarantines bad ones with their reasons and records the load", async () => {
    const db = await openStore(":memory:");
    const summary = await loadApprovals(db, { file: fixture, ruleSets }, quietEffects());
    expect(summary).toMatchObject({
      skipped: false,
      rows_read: 27,
      rows_accepted: 20,
      rows_quarantined: 7,
      rows_replaced: 0,
    });
    expect(await counts(db)).toEqual({ approvals: 20, quarantine: 9, loads: 1 });
    const [ap13] = await db.all<Record<string, unknown>>(
      "SELECT * FROM approvals WHERE approval_ref = 'AP13'",
    );
    expect(ap13).toMatchObject({
      patient_id: "p13",
      patient_key: "P13",
      intervention_ids: ["ebi-list-1/carpal-tunnel-release"],
      approval_type: "PA",
      decision: "approved",
    });
    expect(String((ap13?.decision_date as Date | undefined)?.toISOString()).slice(0, 10)).toBe("2025-08-01");
    db.close();
  });

  it("adds nothing when the same file is loaded again", async () => {
    const db = await openStore(":memory:");
    await loadApprovals(db, { file: fixture, ruleSets }, quietEffects());
    const again = await loadApprovals(db, { file: fixture, ruleSets }, quietEffects());
    expect(again.skipped).toBe(true);
    expect(await counts(db)).toEqual({ approvals: 20, quarantine: 9, loads: 1 });
    db.close();
  });

  it("leaves the store as it was when a load fails part-way", async () => {
    const db = await openStore(":memory:");
    await loadApprovals(db, { file: fixture, ruleSets }, quietEffects());
    const dir = mkdtempSync(join(tmpdir(), "approvals-load-"));
    const later = join(dir, "later.csv");
    writeFileSync(
      later,
      "approval_ref,patient_id,provider_code,intervention,approval_type,decision,decision_date,valid_from,valid_to\nAP01,P01,RX1,C,PA,withdrawn,2025-04-20,,\nAP99,P99,RX1,C,PA,approved,2025-04-20,2025-04-20,2025-10-20\n",
    );
    const failing = loadApprovals(
      db,
      {
        file: later,
        ruleSets,
        beforeCommit: () => {
          throw new Error("disk full");
        },
      },
      quietEffects(),
    );
    await expect(failing).rejects.toThrow("disk full");
    expect(await counts(db)).toEqual({ approvals: 20, quarantine: 9, loads: 1 });
    const [ap01] = await db.all<{ decision: string }>(
      "SELECT decision FROM approvals WHERE approval_ref = 'AP01'",
    );
    expect(ap01?.decision).toBe("approved");

    const replaced = await loadApprovals(db, { file: later, ruleSets }, quietEffects());
    expect(replaced).toMatchObject({ rows_accepted: 2, rows_replaced: 1 });
    const [updated] = await db.all<{ decision: string }>(
      "SELECT decision FROM approvals WHERE approval_ref = 'AP01'",
    );
    expect(updated?.decision).toBe("withdrawn");
    expect(await counts(db)).toEqual({ approvals: 21, quarantine: 9, loads: 2 });
    db.close();
  });
});
