import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestActivity } from "../../src/activity/index.ts";
import type { Database } from "../../src/db/index.ts";
import { quietEffects } from "../../src/effects/index.ts";
import { openStore } from "../../src/store/index.ts";

const header = "epikey,susspellid,epistart,startage,sex,diag_01,opertn_01";
/** A month's extract: one episode per key, on the 10th of `month` (YYYY-MM). */
const extract = (month: string, keys: string[], opertn = "W851") =>
  [header, ...keys.map((k) => `${k},S${k},${month}-10,50,1,M171,${opertn}`)].join("\n");

const dir = mkdtempSync(join(tmpdir(), "ebi-incremental-"));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, `${text}\n`);
  return path;
};

const ingest = (db: Database, file: string, beforeCommit?: () => void) =>
  ingestActivity(
    db,
    { kind: "apc", files: [file], reportsDir: join(dir, "reports"), beforeCommit },
    quietEffects(),
  );

/** Every table a load writes, by load: the rows it holds. */
async function byLoad(db: Database): Promise<Record<string, unknown>> {
  const rows = await db.all<{ t: string; load_id: string; n: number }>(
    `SELECT 'episodes' AS t, load_id, count(*) AS n FROM apc_episodes GROUP BY ALL
     UNION ALL SELECT 'quarantine', load_id, count(*) FROM quarantine GROUP BY ALL
     UNION ALL SELECT 'warnings', load_id, count(*) FROM load_warnings GROUP BY ALL
     UNION ALL SELECT 'loads', load_id, count(*) FROM loads GROUP BY ALL ORDER BY 1, 2`,
  );
  return Object.fromEntries(rows.map((r) => [`${r.t} ${r.load_id}`, r.n]));
}

describe("incremental loads", () => {
  it("adds a new month without touching the months loaded before", async () => {
    const db = await openStore(":memory:");
    const [april] = await ingest(db, write("apr.csv", extract("2023-04", ["1", "2", "3"])));
    const before = await db.all("SELECT * FROM apc_episodes ORDER BY epikey");
    const [may] = await ingest(db, write("may.csv", extract("2023-05", ["4", "5"])));
    expect(may?.replaced).toBeUndefined();
    expect(
      await db.all(`SELECT * FROM apc_episodes WHERE load_id = '${april?.load_id}' ORDER BY epikey`),
    ).toEqual(before);
    expect(await db.all("SELECT load_id, count(*) AS n FROM apc_episodes GROUP BY ALL ORDER BY n")).toEqual([
      { load_id: may?.load_id, n: 2 },
      { load_id: april?.load_id, n: 3 },
    ]);
  });

  it("replaces a reloaded file's own rows only, its keys no longer counted as duplicates", async () => {
    const db = await openStore(":memory:");
    const april = write("apr-r.csv", extract("2023-04", ["1", "2", "3"]));
    const [first] = await ingest(db, april);
    const [may] = await ingest(db, write("may-r.csv", extract("2023-05", ["4", "5"])));
    const mayRows = await db.all(
      `SELECT * FROM apc_episodes WHERE load_id = '${may?.load_id}' ORDER BY epikey`,
    );
    // The corrected April: episode 3 withdrawn, 1 and 2 with another procedure, 6 added; 4 is May's.
    writeFileSync(april, `${extract("2023-04", ["1", "2", "6", "4"], "A651")}\n`);
    const [second] = await ingest(db, april);
    expect(second?.replaced).toEqual([first?.load_id]);
    expect(second?.rows_accepted).toBe(3);
    expect(await db.all("SELECT source_row, field, value, reason FROM quarantine")).toEqual([
      { source_row: 4, field: "epikey", value: "4", reason: "duplicate" },
    ]);
    expect(
      await db.all(
        `SELECT epikey, opertn FROM apc_episodes WHERE load_id = '${second?.load_id}' ORDER BY epikey`,
      ),
    ).toEqual([
      { epikey: "1", opertn: ["A651"] },
      { epikey: "2", opertn: ["A651"] },
      { epikey: "6", opertn: ["A651"] },
    ]);
    expect(
      await db.all(`SELECT * FROM apc_episodes WHERE load_id = '${may?.load_id}' ORDER BY epikey`),
    ).toEqual(mayRows);
    expect(await db.all("SELECT load_id FROM loads ORDER BY load_id")).toEqual(
      [second?.load_id, may?.load_id].sort().map((load_id) => ({ load_id })),
    );
  });

  it("leaves the earlier load whole when its replacement fails part-way", async () => {
    const db = await openStore(":memory:");
    const april = write("apr-f.csv", extract("2023-04", ["1", "2", "3"]));
    await ingest(db, april);
    await ingest(db, write("may-f.csv", extract("2023-05", ["4", "5"])));
    const before = await byLoad(db);
    const episodes = await db.all("SELECT * FROM apc_episodes ORDER BY epikey");
    writeFileSync(april, `${extract("2023-04", ["1", "7"])}\n`);
    await expect(
      ingest(db, april, () => {
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    expect(await byLoad(db)).toEqual(before);
    expect(await db.all("SELECT * FROM apc_episodes ORDER BY epikey")).toEqual(episodes);
  });
});
