import type { DuckDBConnection } from "@duckdb/node-api";
import { allOn } from "../../db/index.ts";

/**
 * Runs `work` with DuckDB's `preserve_insertion_order` set to `keep`, then puts the connection's
 * own setting back. Keeping insertion order costs time and memory in every table built by a
 * parallel query; it is needed only where order carries meaning (numbering a file's rows,
 * writing a sorted file).
 */
export async function withInsertionOrder<T>(
  connection: DuckDBConnection,
  keep: boolean,
  work: () => Promise<T>,
): Promise<T> {
  const [setting] = await allOn<{ keep: boolean }>(
    connection,
    "SELECT current_setting('preserve_insertion_order') AS keep",
  );
  const before = setting?.keep ?? true;
  if (before !== keep) await connection.run(`SET preserve_insertion_order = ${keep}`);
  try {
    return await work();
  } finally {
    if (before !== keep) await connection.run(`SET preserve_insertion_order = ${before}`);
  }
}
