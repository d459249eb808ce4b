import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { openStore } from "../../../../src/store/index.ts";

const cli = fileURLToPath(new URL("../../../../bin/ebi.js", import.meta.url));
const run = promisify(execFile);
const header =
  "EPIKEY,SUSSPELLID,HESID,EPISTART,ADMIDATE,ADMIMETH,STARTAGE,SEX,ETHNOS,LSOA11,PROCODE3,CCG_RESPONSIBILITY,TRETSPEF,DIAG_4_01,OPERTN_4_01";

/** An admitted-episode extract of `rows` episodes whose keys start at `first`. */
function extract(dir: string, name: string, first: number, rows: number): string {
  const lines = Array.from(
    { length: rows },
    (_, i) =>
      `${first + i},S${first + i},P${i},2019-05-01,2019-05-01,11,45,1,A,E01000001,RX1,01A,110,M171,W851`,
  );
  const file = join(dir, name);
  writeFileSync(file, `${header}\n${lines.join("\n")}\n`);
  return file;
}

describe("ebi ingest with several files", () => {
  it("loads each file as its own load, reports each, and skips each when given again", async () => {
    const home = mkdtempSync(join(tmpdir(), "ebi-ingest-files-"));
    const files = [extract(home, "may.csv", 1, 30), extract(home, "june.csv", 1_000, 20)];
    const first = await run(process.execPath, [cli, "--home", home, "ingest", "apc", ...files]);
    expect(first.stdout.match(/report: /g)).toHaveLength(2);
    const again = await run(process.execPath, [cli, "--home", home, "ingest", "apc", ...files]);
    expect(again.stdout.match(/already loaded/g)).toHaveLength(2);
    const db = await openStore(join(home, "store.duckdb"), { readOnly: true });
    try {
      const loads = await db.all<{ file: string; n: number }>(
        "SELECT l.file, count(e.epikey) AS n FROM loads l JOIN apc_episodes e USING (load_id) GROUP BY l.file ORDER BY l.file",
      );
      expect(loads).toEqual([
        { file: files[1], n: 20 },
        { file: files[0], n: 30 },
      ]);
    } finally {
      db.close();
    }
  });
});
