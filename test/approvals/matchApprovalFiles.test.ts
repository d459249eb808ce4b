import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type MatchSummary,
  matchApprovalFiles,
  readApprovalMapping,
  writeMatchesCsv,
} from "../../src/approvals/index.ts";
import { Database } from "../../src/db/index.ts";
import { InputError } from "../../src/errors/index.ts";
import { loadRuleSets, type ResolvedRuleSet } from "../../src/rules/index.ts";

const fixtures = join(import.meta.dirname, "../fixtures/approvals");
const fixture = (name: string) => join(fixtures, name);

interface Row {
  spell_id: string | null;
  patient_id: string | null;
  intervention_id: string | null;
  official_id: string | null;
  approval_ref: string | null;
  status: string;
  reason: string;
}

let ruleSets: ResolvedRuleSet[];
beforeAll(async () => {
  ruleSets = await loadRuleSets(["ebi-list-1", "ebi-list-2"]);
});

async function match(
  activity: string,
  approvals: string,
  extra: { mapping?: string } = {},
): Promise<{ rows: Row[]; summary: MatchSummary; quarantine: Record<string, unknown>[] }> {
  const db = await Database.open(":memory:");
  try {
    return await db.withConnection(async (connection) => {
      const summary = await matchApprovalFiles(connection, {
        kind: "apc",
        activity,
        approvals,
        ruleSets,
        mapping: extra.mapping ? readApprovalMapping(extra.mapping) : undefined,
      });
      const reader = await connection.runAndReadAll("SELECT * FROM approval_matches");
      const quarantine = await connection.runAndReadAll(
        "SELECT source_row, unnest(problems, recursive := true) FROM approvals_staged WHERE quarantined ORDER BY ALL",
      );
      return {
        rows: reader.getRowObjectsJS() as unknown as Row[],
        summary,
        quarantine: quarantine.getRowObjectsJS().map((q) => ({ ...q, source_row: Number(q.source_row) })),
      };
    });
  } finally {
    db.close();
  }
}

const knee = "ebi-list-1/knee-arthroscopy-osteoarthritis";
const carpal = "ebi-list-1/carpal-tunnel-release";

describe("matchApprovalFiles", () => {
  let result: Awaited<ReturnType<typeof match>>;
  beforeAll(async () => {
    result = await match(fixture("activity.csv"), fixture("approvals.csv"));
  });
  const spell = (id: string, intervention = knee) => {
    const row = result.rows.find((r) => r.spell_id === id && r.intervention_id === intervention);
    if (!row) throw new Error(`no row for ${id} ${intervention}`);
    return row;
  };

  it.each([
    ["S01", knee, "AP01", "approved"],
    ["S02", knee, "AP02", "approved_after"],
    ["S03", knee, "AP03", "expired"],
    ["S04", carpal, "AP04", "declined"],
    ["S05", carpal, "AP05", "declined"],
    ["S06", knee, "AP06", "other_provider"],
    ["S07", knee, "AP07", "other_intervention"],
    ["S08", knee, null, "no_approval"],
    ["S09", knee, "AP09B", "approved"],
    ["S10", knee, "AP10", "approved_after"],
    ["S11", knee, "AP11", "approved"],
    ["S12", knee, "AP11", "approved"],
    ["S13", knee, "AP12", "approved"],
    ["S14", carpal, "AP13", "approved"],
    ["S15", knee, "AP14K", "approved"],
    ["S15", carpal, "AP14K", "other_intervention"],
    ["S16", knee, "AP15", "approved"],
    ["S17", knee, "AP16", "approved"],
    ["S19", "ebi-list-1/haemorrhoid-surgery", null, "no_approval"],
    ["S20", knee, "AP22", "other_intervention"],
  ])("gives spell %s (%s) approval %s and status %s", (id, intervention, ref, status) => {
    const row = spell(id, intervention);
    expect(row.approval_ref).toBe(ref);
    expect(row.status).toBe(status);
  });

  it("writes one row per restricted spell and intervention, and none for an emergency admission", () => {
    const spellRows = result.rows.filter((r) => r.spell_id !== null);
    expect(spellRows).toHaveLength(20);
    expect(spellRows.filter((r) => r.spell_id === "S15")).toHaveLength(2);
    expect(spellRows.some((r) => r.spell_id === "S18")).toBe(false);
    expect(spell("S01").official_id).toBe("C");
    expect(spell("S04", carpal).official_id).toBe("M");
  });

  it("lists every approval no spell of its intervention names as unused, with a blank spell", () => {
    const unused = result.rows.filter((r) => r.status === "unused");
    expect(unused.map((r) => r.approval_ref).sort()).toEqual([
      "AP07",
      "AP09A",
      "AP09C",
      "AP20",
      "AP21",
      "AP22",
    ]);
    expect(unused.every((r) => r.spell_id === null)).toBe(true);
    expect(unused.find((r) => r.approval_ref === "AP20")?.reason).toMatch(
      /no restricted spell for this patient/,
    );
    expect(unused.find((r) => r.approval_ref === "AP09C")?.reason).toMatch(/matched to a better approval/);
  });

  it("names the approval and the dates the status turned on in each reason", () => {
    expect(spell("S02").reason).toBe(
      "Approval AP02 (prior approval) was approved on 2025-05-20, after the admission on 2025-05-10.",
    );
    expect(spell("S03").reason).toContain(
      "valid from 2024-11-01 to 2025-05-01 and had expired by the admission on 2025-06-15",
    );
    expect(spell("S05", carpal).reason).toContain(
      "AP05 (individual funding request) was withdrawn on 2025-05-02",
    );
    expect(spell("S06").reason).toContain("is for provider RY2, but the admission on 2025-07-01 was at RX1");
    expect(spell("S09").reason).toMatch(/Best of 3 approvals/);
    expect(spell("S10").reason).toContain("valid only from 2025-09-01, after the admission on 2025-08-01");
    expect(spell("S11").reason).toMatch(/named for 1 other spell\.$/);
    expect(spell("S08").reason).toBe(
      "No approval for this patient is on file (admitted on 2025-07-01 at RX1).",
    );
  });

  it("quarantines bad approval rows with row, field, value and reason, and never matches them", () => {
    const reasons = result.quarantine.map((q) => `${q.source_row}:${q.field}:${q.value ?? ""}:${q.reason}`);
    expect(reasons).toEqual([
      "21:patient_id::missing-patient",
      "22:intervention:ZZ:intervention-unknown",
      "23:decision:maybe:decision-unknown",
      "24:decision_date:31/02/2025:date-invalid",
      "25:valid_to:2025-06-01:validity-reversed",
      "26:approval_ref:AP01:duplicate",
      "27:approval_type:XYZ:type-unknown",
      "27:provider_code::provider-missing",
      "27:valid_from::validity-missing",
    ]);
    expect(result.summary.approvals).toMatchObject({ rows: 27, accepted: 20, quarantined: 7 });
    // P08's only approvals are quarantined rows, and AP01's duplicate does not reach P08.
    expect(spell("S08").status).toBe("no_approval");
  });
});

describe("matchApprovalFiles with other patient identifiers and layouts", () => {
  it("matches on a pseudonymised NHS number column in place of hesid", async () => {
    const { rows } = await match(fixture("activity_pseudo_nhs.csv"), fixture("approvals.csv"));
    expect(rows.find((r) => r.spell_id === "S01")).toMatchObject({ patient_id: "P01", status: "approved" });
  });

  it("matches an approval to either identifier when the extract carries hesid and an NHS number", async () => {
    const { rows } = await match(fixture("activity_two_identifiers.csv"), fixture("approvals.csv"));
    expect(rows.find((r) => r.spell_id === "S01")).toMatchObject({
      patient_id: "H01",
      approval_ref: "AP01",
      status: "approved",
    });
    expect(rows.find((r) => r.spell_id === "S03")?.status).toBe("expired");
  });

  it("reads another system's export through a mapping file: columns, values and constants", async () => {
    const { rows, quarantine } = await match(fixture("activity.csv"), fixture("blueteq_export.csv"), {
      mapping: fixture("blueteq_mapping.json"),
    });
    expect(rows.find((r) => r.spell_id === "S01")).toMatchObject({
      approval_ref: "BT-1",
      status: "approved",
    });
    expect(rows.find((r) => r.spell_id === "S02")).toMatchObject({
      approval_ref: "BT-2",
      status: "declined",
    });
    expect(quarantine).toEqual([
      { source_row: 3, field: "intervention", value: "Unknown policy", reason: "intervention-unknown" },
    ]);
  });

  it("reads an XLSX workbook with spreadsheet dates like the CSV", async () => {
    const dir = mkdtempSync(join(tmpdir(), "approvals-xlsx-"));
    const file = join(dir, "approvals.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Approvals");
    sheet.addRow([
      "Approval Ref",
      "Patient ID",
      "Provider Code",
      "Intervention",
      "Approval Type",
      "Decision",
      "Decision Date",
      "Valid From",
      "Valid To",
    ]);
    sheet.addRow([
      "X1",
      "P01",
      "RX1",
      "C",
      "PA",
      "approved",
      new Date(Date.UTC(2025, 3, 1)),
      new Date(Date.UTC(2025, 3, 1)),
      new Date(Date.UTC(2025, 8, 30)),
    ]);
    sheet.addRow(["X2", "P03", "RX1", "C", "IFR", "approved", "2024-11-01", "2024-11-01", "2025-05-01"]);
    await workbook.xlsx.writeFile(file);
    const { rows } = await match(fixture("activity.csv"), file);
    expect(rows.find((r) => r.spell_id === "S01")).toMatchObject({ approval_ref: "X1", status: "approved" });
    expect(rows.find((r) => r.spell_id === "S03")).toMatchObject({ approval_ref: "X2", status: "expired" });
  });

  it("refuses an approvals file without the layout's columns, naming them", async () => {
    await expect(match(fixture("activity.csv"), fixture("activity.csv"))).rejects.toThrow(InputError);
    await expect(match(fixture("activity.csv"), fixture("activity.csv"))).rejects.toThrow(
      /required columns are missing: approval_ref, intervention, approval_type, decision/,
    );
  });
});

describe("writeMatchesCsv", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "approvals-csv-"));
  });
  afterAll(() => undefined);

  it("writes exactly the match columns with ISO admission dates", async () => {
    const db = await Database.open(":memory:");
    const out = join(dir, "matches.csv");
    try {
      await db.withConnection(async (connection) => {
        await matchApprovalFiles(connection, {
          kind: "apc",
          activity: fixture("activity.csv"),
          approvals: fixture("approvals.csv"),
          ruleSets,
        });
        await writeMatchesCsv(connection, out);
      });
    } finally {
      db.close();
    }
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe(
      "spell_id,patient_id,intervention_id,official_id,admission_date,provider_code,approval_ref,status,reason",
    );
    expect(lines[1]).toMatch(
      /^S01,P01,ebi-list-1\/knee-arthroscopy-osteoarthritis,C,2025-05-10,RX1,AP01,approved,/,
    );
    expect(lines).toHaveLength(1 + 20 + 6);
  });
});

describe("matchApprovalFiles with no approvals", () => {
  it("gives every restricted spell no_approval when the file has a header and no rows", async () => {
    const db = await Database.open(":memory:");
    try {
      const summary = await db.withConnection((connection) =>
        matchApprovalFiles(connection, {
          kind: "apc",
          activity: fixture("activity.csv"),
          approvals: fixture("approvals_header_only.csv"),
          ruleSets,
        }),
      );
      expect(summary.statuses).toEqual({ no_approval: 20 });
    } finally {
      db.close();
    }
  });
});
