import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from "@duckdb/node-api";
import { EbiError, fromSystemError } from "../errors/index.ts";

/** Values bound to `$name` or `?` placeholders; user input only ever reaches SQL this way. */
export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];

export interface DatabaseOptions {
  readOnly?: boolean;
  /** DuckDB memory limit, e.g. "4GB"; DuckDB spills to disk above it. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills when over its memory limit. */
  tempDirectory?: string;
}

/**
 * The one owner of a DuckDB instance in a process (per database file). Every statement passes
 * through here so DuckDB's messages come back as typed `EbiError`s naming the step.
 */
export class Database {
  readonly path: string;
  readonly #instance: DuckDBInstance;
  #closed = false;

  private constructor(path: string, instance: DuckDBInstance) {
    this.path = path;
    this.#instance = instance;
  }

  /** Opens (creating if absent) a database file, or ":memory:". */
  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = "READ_ONLY";
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    if (options.threads) config.threads = String(options.threads);
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    try {
      return new Database(path, await DuckDBInstance.create(path, config));
    } catch (error) {
      const message = String((error as Error).message ?? error);
      if (/lock/i.test(message)) {
        throw new EbiError(
          "EBI_STORE_LOCKED",
          `The database ${path} is in use by another process.`,
          { path },
          { cause: error },
        );
      }
      throw new EbiError(
        "EBI_DATABASE",
        `Cannot open database ${path}: ${message}`,
        { path },
        { cause: error },
      );
    }
  }

  /** Runs `fn` with a fresh connection, closed afterwards whatever happens. */
  async withConnection<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.#instance.connect();
    try {
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Runs statements without reading results; `step` names the work in any error. */
  async run(sql: string, params?: SqlParams, step = "query"): Promise<void> {
    await this.withConnection((connection) => runOn(connection, sql, params, step));
  }

  /** Reads all rows as plain objects (BIGINT as number, DATE/TIMESTAMP as Date, LIST as array). */
  async all<T = Record<string, unknown>>(sql: string, params?: SqlParams, step = "query"): Promise<T[]> {
    return this.withConnection((connection) => allOn<T>(connection, sql, params, step));
  }

  /** Runs `fn` in one transaction on one connection: all of it lands, or none of it. */
  async transaction<T>(fn: (connection: DuckDBConnection) => Promise<T>, step = "transaction"): Promise<T> {
    return this.withConnection(async (connection) => {
      await runOn(connection, "BEGIN TRANSACTION", undefined, step);
      try {
        const result = await fn(connection);
        await runOn(connection, "COMMIT", undefined, step);
        return result;
      } catch (error) {
        await connection.run("ROLLBACK").catch(() => undefined);
        throw error;
      }
    });
  }

  /** Closes the instance; further use is an error. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#instance.closeSync();
  }
}

/** Runs SQL on an existing connection, wrapping DuckDB's errors. */
export async function runOn(
  connection: DuckDBConnection,
  sql: string,
  params?: SqlParams,
  step = "query",
): Promise<void> {
  try {
    await connection.run(sql, params as never);
  } catch (error) {
    throw wrapDuckDbError(error, step);
  }
}

/** Reads rows on an existing connection as plain objects, BIGINT converted to number. */
export async function allOn<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: SqlParams,
  step = "query",
): Promise<T[]> {
  try {
    const reader = await connection.runAndReadAll(sql, params as never);
    return reader.getRowObjectsJS().map((row) => plain(row) as T);
  } catch (error) {
    throw wrapDuckDbError(error, step);
  }
}

function wrapDuckDbError(error: unknown, step: string): EbiError {
  if (error instanceof EbiError) return error;
  const system = fromSystemError(error, step);
  if (system) return system;
  const message = error instanceof Error ? error.message : String(error);
  return new EbiError("EBI_DATABASE", `DuckDB failed during ${step}: ${message}`, { step }, { cause: error });
}

function plain(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object" && !(value instanceof Date) && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  }
  return value;
}
