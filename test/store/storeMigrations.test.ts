import { describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { openStore } from "../../src/store/index.ts";
import { migrateStore, type StoreMigration, storeMigrations } from "../../src/store/storeMigrations.ts";

const at = new Date("2026-01-01T00:00:00Z");

describe("migrateStore", () => {
  it("records the baseline once and creates the store's tables", async () => {
    const db = await openStore(":memory:", { clock: { now: () => at } });
    try {
      const rows = await db.all<{ version: number; name: string }>(
        "SELECT version, name FROM store_migrations ORDER BY version",
      );
      expect(rows.map((r) => r.version)).toEqual(storeMigrations.map((m) => m.version));
      expect(await migrateStore(db, at)).toEqual([]);
      const [loads] = await db.all<{ n: number }>("SELECT count(*) AS n FROM loads");
      expect(loads?.n).toBe(0);
    } finally {
      db.close();
    }
  });

  it("applies a later migration once, in order, after the baseline", async () => {
    const db = await Database.open(":memory:");
    try {
      const later: StoreMigration[] = [
        ...storeMigrations,
        { version: 3, name: "third", statements: ["ALTER TABLE notes ADD COLUMN author VARCHAR"] },
        { version: 2, name: "second", statements: ["CREATE TABLE notes (text VARCHAR)"] },
      ];
      expect(await migrateStore(db, at, later)).toEqual([1, 2, 3]);
      expect(await migrateStore(db, at, later)).toEqual([]);
      await db.run("INSERT INTO notes VALUES ('a', 'b')");
    } finally {
      db.close();
    }
  });

  it("leaves the store at the last good version when a migration fails", async () => {
    const db = await Database.open(":memory:");
    try {
      const failing: StoreMigration[] = [
        ...storeMigrations,
        {
          version: 2,
          name: "half",
          statements: ["CREATE TABLE half (x INTEGER)", "SELECT * FROM missing_table"],
        },
      ];
      await expect(migrateStore(db, at, failing)).rejects.toThrow(/store migration 2/);
      const versions = await db.all<{ version: number }>("SELECT version FROM store_migrations");
      expect(versions.map((v) => v.version)).toEqual([1]);
      const tables = await db.all<{ n: number }>(
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half'",
      );
      expect(tables[0]?.n).toBe(0);
    } finally {
      db.close();
    }
  });
});
