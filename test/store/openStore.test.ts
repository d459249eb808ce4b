import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.ts";

const cli = fileURLToPath(new URL("../../bin/ebi.js", import.meta.url));

describe("openStore for writing", () => {
  it("removes what a killed load left in the spill folder", async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-spill-"));
    mkdirSync(join(home, ".spill"));
    writeFileSync(join(home, ".spill", "ingest-1-x.parquet"), "patient rows");
    writeFileSync(join(home, ".spill", "duckdb_temp_storage_S32K-0.tmp"), "spilled rows");
    const db = await openStore(join(home, "store.duckdb"));
    db.close();
    expect(readdirSync(join(home, ".spill"))).toEqual([]);
  });

  it("leaves no copy of a killed CSV load once the store is next opened", async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-killed-ingest-"));
    const file = join(home, "apc.csv");
    const rows = Array.from(
      { length: 400_000 },
      (_, i) => `${i},S${i},P${i},2019-05-01,2019-05-01,11,45,1,A,E01000001,RX1,01A,110,M171,W851`,
    );
    writeFileSync(
      file,
      `EPIKEY,SUSSPELLID,HESID,EPISTART,ADMIDATE,ADMIMETH,STARTAGE,SEX,ETHNOS,LSOA11,PROCODE3,CCG_RESPONSIBILITY,TRETSPEF,DIAG_4_01,OPERTN_4_01\n${rows.join("\n")}\n`,
    );
    const child = spawn(process.execPath, [cli, "--home", home, "ingest", "apc", file], { stdio: "ignore" });
    const spill = join(home, ".spill");
    const copies = () => (existsSync(spill) ? readdirSync(spill).filter((f) => f.startsWith("ingest-")) : []);
    for (let waited = 0; waited < 60_000 && copies().length === 0; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    expect(copies().length).toBeGreaterThan(0);
    const db = await openStore(join(home, "store.duckdb"));
    try {
      expect(copies()).toEqual([]);
      expect((await db.all<{ n: number }>("SELECT count(*) AS n FROM apc_episodes"))[0]?.n).toBe(0);
    } finally {
      db.close();
    }
  }, 120_000);

  it("removes its copy itself when a CSV load is interrupted (SIGINT or SIGTERM)", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const home = mkdtempSync(join(tmpdir(), "ebi-interrupted-ingest-"));
      const file = join(home, "apc.csv");
      const rows = Array.from({ length: 400_000 }, (_, i) => `${i},2019-05-01,11,RX1,01A,M171,W851`);
      writeFileSync(
        file,
        `EPIKEY,EPISTART,ADMIMETH,PROCODE3,CCG_RESPONSIBILITY,DIAG_4_01,OPERTN_4_01\n${rows.join("\n")}\n`,
      );
      const child = spawn(process.execPath, [cli, "--home", home, "ingest", "apc", file], {
        stdio: "ignore",
      });
      const spill = join(home, ".spill");
      const copies = () =>
        existsSync(spill) ? readdirSync(spill).filter((f) => f.startsWith("ingest-")) : [];
      for (let waited = 0; waited < 60_000 && copies().length === 0; waited += 10)
        await new Promise((resolve) => setTimeout(resolve, 10));
      expect(copies().length, signal).toBeGreaterThan(0);
      child.kill(signal);
      const code = await new Promise((resolve) => child.once("exit", (c) => resolve(c)));
      expect(code, signal).not.toBe(0);
      // Nothing reopened the store: the process removed its own copy and spill on the way out.
      expect(readdirSync(spill), signal).toEqual([]);
    }
  }, 120_000);
});
