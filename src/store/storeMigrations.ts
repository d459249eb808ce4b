import { type Database, runOn } from "../db/index.ts";
import { storeSchema } from "./schema.ts";

/** One numbered change to the store's tables. Never edit one a store may have applied: add the next. */
export interface StoreMigration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * The store's migrations in order. Version 1 is the baseline schema (`schema.ts`): its statements
 * are all `CREATE … IF NOT EXISTS`, so a store made before migrations were numbered is adopted as
 * it is. Later changes (a new column, a new table) are new entries here.
 */
export const storeMigrations: readonly StoreMigration[] = [
  {
    version: 1,
    name: "baseline: loads, episodes, appointments, quarantine, reference",
    statements: storeSchema,
  },
];

const ledger = `CREATE TABLE IF NOT EXISTS store_migrations (
  version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)`;

/**
 * Brings the store up to the last migration: each one not yet recorded in `store_migrations` runs
 * in its own transaction with its record, so a failing one leaves the store at the one before.
 * The baseline's statements run on every open as well (they only create what is missing).
 * Returns the versions applied now. `at` is the time recorded.
 */
export async function migrateStore(
  database: Database,
  at: Date,
  migrations: readonly StoreMigration[] = storeMigrations,
): Promise<number[]> {
  await database.run(ledger, undefined, "create store_migrations");
  const done = new Set(
    (await database.all<{ version: number }>("SELECT version FROM store_migrations")).map((r) => r.version),
  );
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) {
      if (migration.version === 1)
        for (const statement of migration.statements)
          await database.run(statement, undefined, "create store schema");
      continue;
    }
    const step = `store migration ${migration.version} (${migration.name})`;
    await database.transaction(async (connection) => {
      for (const statement of migration.statements) await runOn(connection, statement, undefined, step);
      await runOn(
        connection,
        "INSERT INTO store_migrations VALUES ($version, $name, $at::TIMESTAMP)",
        {
          version: migration.version,
          name: migration.name,
          at: at.toISOString().replace("T", " ").replace("Z", ""),
        },
        step,
      );
    }, step);
    applied.push(migration.version);
  }
  return applied;
}
