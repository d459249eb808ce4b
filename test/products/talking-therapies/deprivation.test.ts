import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allOn, Database } from "../../../src/db/index.ts";
import { quietEffects } from "../../../src/effects/index.ts";
import { isEbiError } from "../../../src/errors/index.ts";
import { measureFolder, measureOnConnection } from "../../../src/products/talking-therapies/measureFolder.ts";

const traps = "test/fixtures/talking-therapies/traps";
const imd2019 = "test/fixtures/reference/imd2019_file7.csv";
const period = { from: "2024-04-01", to: "2025-03-31" };

/** England's referrals received in one IMD decile label, from the breakdowns file. */
function receivedIn(breakdowns: string, label: string): number | undefined {
  const line = readFileSync(breakdowns, "utf8")
    .split("\n")
    .find((l) =>
      l.startsWith(`England,All,Indices of Deprivation Decile,${label},referrals_received,count,`),
    );
  return line === undefined ? undefined : Number(line.split(",")[6]);
}

async function deciles(options: { imd?: string; refImd?: boolean }): Promise<Record<string, unknown>> {
  const db = await Database.open(":memory:");
  try {
    return await db.withConnection(async (connection) => {
      if (options.refImd) {
        await connection.run(`CREATE TABLE ref_imd (lsoa VARCHAR, imd_score DOUBLE, imd_rank INTEGER,
          imd_decile INTEGER, vintage VARCHAR)`);
        await connection.run(
          `INSERT INTO ref_imd VALUES ('E01000002', 1, 1, 3, '2019'), ('E01000002', 1, 1, 9, '2025')`,
        );
      }
      const dir = mkdtempSync(join(tmpdir(), "tt-imd-"));
      await measureOnConnection(
        connection,
        { input: traps, ...period, output: join(dir, "m.csv"), imd: options.imd },
        quietEffects(),
      );
      const rows = await allOn<{ PathwayID: string; imd_decile: number | null }>(
        connection,
        "SELECT PathwayID, imd_decile FROM tt_period WHERE PathwayID IN ('P1', 'P2', 'P4') ORDER BY PathwayID",
      );
      return Object.fromEntries(rows.map((r) => [r.PathwayID, r.imd_decile]));
    });
  } finally {
    db.close();
  }
}

describe("IMD decile from the LSOA", () => {
  it("looks the decile up by LSOA in an IMD file, before the extract's own decile", async () => {
    // B (P2) lives in E01000002: decile 7 in the IMD file, 10 in the extract. D (P4) has neither.
    expect(await deciles({ imd: imd2019 })).toEqual({ P1: 1, P2: 7, P4: null });
    expect(await deciles({})).toEqual({ P1: 1, P2: 10, P4: null });
  });

  it("uses the store's reference IMD, the 2019 vintage for LSOA 2011 codes", async () => {
    expect(await deciles({ refImd: true })).toEqual({ P1: 1, P2: 3, P4: null });
  });

  it("moves the pathway between the published decile labels and names the source", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-imd-"));
    await measureFolder({ input: traps, ...period, output: join(dir, "a.csv") }, quietEffects());
    await measureFolder(
      { input: traps, ...period, output: join(dir, "b.csv"), imd: imd2019 },
      quietEffects(),
    );
    // Decile 7 is labelled "04 Less deprived"; decile 10 "01 Least deprived". F (P7) is 7 either way.
    expect(receivedIn(join(dir, "a.breakdowns.csv"), "04 Less deprived")).toBe(1);
    expect(receivedIn(join(dir, "b.breakdowns.csv"), "04 Less deprived")).toBe(2);
    // No one is left in decile 10, so the label has no row at all.
    expect(receivedIn(join(dir, "b.breakdowns.csv"), "01 Least deprived")).toBeUndefined();
    expect(receivedIn(join(dir, "a.breakdowns.csv"), "01 Least deprived")).toBe(1);
    const provenance = JSON.parse(readFileSync(join(dir, "b.provenance.json"), "utf8"));
    expect(provenance.imd).toMatchObject({ source: "file", vintage: "2019", file: imd2019, lsoas: 2 });
    expect(provenance.imd.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a decile outside 1 to 10, naming the row", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-imd-"));
    const error = await measureFolder(
      {
        input: traps,
        ...period,
        output: join(dir, "c.csv"),
        imd: "test/fixtures/reference/imd_bad_decile.csv",
      },
      quietEffects(),
    ).catch((e: unknown) => e);
    expect(isEbiError(error) && error.code).toBe("EBI_INPUT_VALUE");
    expect(String((error as Error).message)).toMatch(/row 3.*11/);
  });
});
