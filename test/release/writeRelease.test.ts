import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Database, quoteLiteral } from "../../src/db/index.ts";
import {
  columnNames,
  ebiReleaseTables,
  laterTables,
  type ReleaseTables,
  releaseTableDeclarations,
  releaseTables,
  tableColumns,
} from "../../src/products/ebi/release/tables.ts";
import { checkRelease } from "../../src/release/verifyRelease.ts";
import { ReleaseWriter } from "../../src/release/writeRelease.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Every declared table with no rows: what a build that computed each one, empty, would hand over. */
const emptyTables = () =>
  Object.fromEntries(releaseTableDeclarations.map((t) => [t.name, []])) as unknown as ReleaseTables;

async function write(registered: ReleaseTables, published: ReleaseTables | null) {
  const releasesDir = mkdtempSync(join(tmpdir(), "ebi-write-release-"));
  dirs.push(releasesDir);
  const writer = new ReleaseWriter(releasesDir, "r1", ebiReleaseTables);
  const db = await Database.open(":memory:");
  try {
    const info = await db.withConnection((c) => writer.writeTables(c, registered, published, []));
    return { writer, info, db: await Database.open(":memory:") };
  } finally {
    db.close();
  }
}

describe("a release table declared once", () => {
  it("is written on both sides with its declared columns, with no code naming it", async () => {
    const { writer, info, db } = await write(emptyTables(), emptyTables());
    try {
      expect(Object.keys(info)).toEqual([...releaseTables]);
      for (const name of releaseTables)
        for (const side of ["registered", "public"]) {
          const path = join(writer.tmp, side, `${name}.parquet`);
          expect(existsSync(path), path).toBe(true);
          const schema = await db.all<{ column_name: string; column_type: string }>(
            `DESCRIBE SELECT * FROM read_parquet(${quoteLiteral(path)})`,
          );
          expect(schema.map((c) => c.column_name)).toEqual(columnNames(name));
          expect(Object.fromEntries(schema.map((c) => [c.column_name, c.column_type]))).toEqual(
            tableColumns(name),
          );
        }
    } finally {
      db.close();
      writer.dispose();
    }
  });

  it("fails the write with a named error when the build computed no rows for it", async () => {
    const registered = emptyTables() as unknown as Record<string, unknown>;
    delete registered.quarterly;
    await expect(write(registered as unknown as ReleaseTables, null)).rejects.toMatchObject({
      code: "EBI_INTERNAL",
      message: expect.stringContaining("Release table quarterly is declared"),
      details: { table: "quarterly", side: "registered" },
    });
  });

  it("is required by the release check on each side", async () => {
    const { writer, db } = await write(emptyTables(), emptyTables());
    db.close();
    try {
      writer.writeJson("manifest.json", { release_id: "r1", tables: {} });
      writer.writeJson("interventions.json", []);
      rmSync(join(writer.tmp, "public", "variation.parquet"));
      const check = checkRelease(writer.tmp, ebiReleaseTables);
      expect(check.incomplete).toContain("public/variation.parquet is missing");
      // A table added after releases were first published is optional until a manifest records it.
      for (const name of releaseTables.filter((t) => !laterTables.includes(t)))
        expect(check.incomplete).toContain(`the manifest records no sha256 for ${name}`);
    } finally {
      writer.dispose();
    }
  });
});
