import type { DuckDBConnection } from "@duckdb/node-api";
import { EbiError } from "../errors/index.ts";
import { allOn, runOn, type SqlParams } from "./Database.ts";
import { type Dialect, duckdbDialect, postgresDialect } from "./Dialect.ts";
import { quoteLiteral } from "./identifier.ts";

/**
 * The one interface the build's SQL runs through: run a statement, read rows, copy a query's
 * result to Parquet. DuckDB is the implementation the product ships; the dialect says how to
 * write what is not portable.
 */
export interface SqlEngine {
  readonly dialect: Dialect;
  /** Runs a statement without reading results; `step` names the work in any error. */
  run(sql: string, params?: SqlParams, step?: string): Promise<void>;
  /** Reads all rows as plain objects (whole numbers as number). */
  read<T = Record<string, unknown>>(sql: string, params?: SqlParams, step?: string): Promise<T[]>;
  /** Writes the rows of `select` to a Parquet file at `path`. */
  copyToParquet(select: string, path: string, step?: string): Promise<void>;
}

/** The DuckDB engine over one open connection. */
export function duckdbEngine(connection: DuckDBConnection): SqlEngine {
  return {
    dialect: duckdbDialect,
    run: (sql, params, step) => runOn(connection, sql, params, step),
    read: <T>(sql: string, params?: SqlParams, step?: string) => allOn<T>(connection, sql, params, step),
    copyToParquet: (select, path, step) =>
      runOn(
        connection,
        `COPY (${select}) TO ${quoteLiteral(path)} (FORMAT parquet, COMPRESSION zstd)`,
        undefined,
        step ?? `write ${path}`,
      ),
  };
}

/** A PostgreSQL client as both `pg` and PGlite offer it. */
export interface PostgresClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  exec?(sql: string): Promise<unknown>;
}

/**
 * A PostgreSQL engine (a server through `pg`, or PGlite) for SQL written through the dialect.
 * Parameters are positional (`$1`); PostgreSQL writes no Parquet, so `copyToParquet` refuses.
 */
export function postgresEngine(client: PostgresClient): SqlEngine {
  const wrap = (error: unknown, step: string) =>
    new EbiError(
      "EBI_DATABASE",
      `PostgreSQL failed during ${step}: ${(error as Error).message ?? error}`,
      { step },
      { cause: error },
    );
  const toNumber = (value: unknown) => (typeof value === "bigint" ? Number(value) : value);
  return {
    dialect: postgresDialect,
    async run(sql, params, step = "query") {
      try {
        await client.query(sql, params as unknown[] | undefined);
      } catch (error) {
        throw wrap(error, step);
      }
    },
    async read<T>(sql: string, params?: SqlParams, step = "query") {
      try {
        const { rows } = await client.query(sql, params as unknown[] | undefined);
        return rows.map(
          (row) =>
            Object.fromEntries(
              Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, toNumber(v)]),
            ) as T,
        );
      } catch (error) {
        throw wrap(error, step);
      }
    },
    async copyToParquet(_select, path) {
      throw new EbiError("EBI_DATABASE", `PostgreSQL cannot write Parquet (${path}): copy through DuckDB.`, {
        path,
      });
    },
  };
}
