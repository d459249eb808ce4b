import { mkdirSync } from "node:fs";
import type { Pool, PoolClient } from "pg";
import { EbiError } from "../errors/index.ts";
import { migrations } from "./migrations.ts";

/** What the state layer needs of PostgreSQL: bound queries and transactions. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** Shared state (users, sessions, grants, audit log) in PostgreSQL, embedded or a server. */
export interface StateDb extends Queryable {
  /** "pglite" (embedded, one process) or "postgres" (a server several replicas share). */
  readonly kind: "pglite" | "postgres";
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Any one number: the advisory lock migrations take so replicas starting together apply each once. */
const migrationLock = 7_242_001;

async function migrate(db: StateDb): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [migrationLock]);
    await tx.query(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    );
    const applied = new Set(
      (await tx.query<{ version: number }>("SELECT version FROM schema_migrations")).map((r) =>
        Number(r.version),
      ),
    );
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
    }
  });
}

/** Splits a migration at top-level semicolons, keeping `$$ … $$` bodies whole. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = "";
  let inBody = false;
  for (const part of sql.split(/(\$\$|;)/)) {
    if (part === "$$") inBody = !inBody;
    if (part === ";" && !inBody) {
      if (current.trim()) out.push(current.trim());
      current = "";
    } else current += part;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

async function openPglite(dir: string | null): Promise<StateDb> {
  const { PGlite } = await import("@electric-sql/pglite");
  if (dir) mkdirSync(dir, { recursive: true });
  const pg = dir ? await PGlite.create(dir) : await PGlite.create();
  // PGlite is one connection: transactions are queued behind each other, never interleaved.
  let queue: Promise<unknown> = Promise.resolve();
  const query = async <T>(sql: string, params?: readonly unknown[]) =>
    (await pg.query<T>(sql, params as unknown[] | undefined)).rows;
  const db: StateDb = {
    kind: "pglite",
    query: (sql, params) => {
      const run = queue.then(() => query(sql, params));
      queue = run.catch(() => undefined);
      return run as never;
    },
    transaction: (work) => {
      const run = queue.then(() =>
        pg.transaction((tx) =>
          work({
            query: async <T>(s: string, p?: readonly unknown[]) =>
              (await tx.query<T>(s, p as unknown[])).rows,
          }),
        ),
      );
      queue = run.catch(() => undefined);
      return run;
    },
    close: async () => {
      await queue;
      await pg.close();
    },
  };
  return db;
}

async function openPostgres(url: string): Promise<StateDb> {
  const { default: pg } = await import("pg");
  // TIMESTAMPTZ as ISO text and BIGINT as numbers, the same as PGlite gives back.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => undefined);
  const query = async <T>(client: Pool | PoolClient, sql: string, params?: readonly unknown[]) =>
    (await client.query(sql, params as unknown[] | undefined)).rows as T[];
  return {
    kind: "postgres",
    query: (sql, params) => query(pool, sql, params),
    transaction: async (work) => {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({ query: (s, p) => query(client, s, p) });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Opens the shared state and brings its schema up to date: a PostgreSQL server when `url` is given
 * (`DATABASE_URL`), else embedded PostgreSQL in `dir` (in memory when `dir` is null).
 */
export async function openState(options: { url?: string; dir: string | null }): Promise<StateDb> {
  let db: StateDb;
  try {
    db = options.url ? await openPostgres(options.url) : await openPglite(options.dir);
  } catch (error) {
    throw new EbiError(
      "EBI_STATE_UNAVAILABLE",
      `Cannot open the state database (${options.url ? "DATABASE_URL" : (options.dir ?? "in memory")}): ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new EbiError(
      "EBI_STATE_UNAVAILABLE",
      `Cannot bring the state database's schema up to date: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }
  return db;
}
