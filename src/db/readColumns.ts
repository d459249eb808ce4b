import { type DuckDBMaterializedResult, DuckDBTypeId } from "@duckdb/node-api";

/**
 * The one place that reads the DuckDB client's private vector fields (`items`, `validity`): a
 * DOUBLE or INTEGER column is copied as a whole buffer instead of one value at a time, which is
 * what makes reading a release's large tables fast. If a client upgrade renames those fields,
 * reading still works (value by value) but slowly; test/db/readColumns.test.ts fails loudly then.
 */

/** Columns of a result by name: typed arrays for DOUBLE and INTEGER, arrays otherwise. */
export type Columns = Record<string, unknown[]>;

/** How many vectors of numeric columns were copied whole (`fast`) or value by value (`slow`). */
export interface FastPathReport {
  fast: number;
  slow: number;
}

/** Typed buffers a numeric column is copied into whole; NULLs must have been coalesced away in SQL. */
const typedColumns = new Map<DuckDBTypeId, Float64ArrayConstructor | Int32ArrayConstructor>([
  [DuckDBTypeId.DOUBLE, Float64Array],
  [DuckDBTypeId.INTEGER, Int32Array],
]);

/**
 * Reads a result column by column straight from DuckDB's vectors. DOUBLE columns (NULL as NaN, see
 * `nan()`) and INTEGER columns (never NULL here) are copied as whole buffers into typed arrays;
 * each chunk is fetched once, since fetching one costs as much as reading a small column.
 */
export function readColumns(result: DuckDBMaterializedResult, report?: FastPathReport): Columns {
  const names = result.columnNames();
  const total = result.rowCount;
  const chunks = Array.from({ length: result.chunkCount }, (_, k) => result.getChunk(k));
  const out: Columns = {};
  names.forEach((name, c) => {
    const Typed = typedColumns.get(result.columnTypeId(c));
    const target: unknown[] = Typed ? (new Typed(total) as unknown as unknown[]) : new Array(total);
    let row = 0;
    for (const chunk of chunks) {
      const vector = chunk.getColumnVector(c);
      const items = (vector as unknown as { items?: unknown }).items;
      if (Typed && items instanceof Typed && items.length >= vector.itemCount) {
        (target as unknown as Float64Array | Int32Array).set(items.subarray(0, vector.itemCount), row);
        if (report) report.fast++;
        // A NULL's slot in the buffer holds whatever was there: mark it, or refuse for INTEGER.
        const validity = (vector as unknown as { validity: { data: unknown; itemValid(i: number): boolean } })
          .validity;
        if (validity.data)
          for (let i = 0; i < vector.itemCount; i++) {
            if (validity.itemValid(i)) continue;
            if (Typed !== Float64Array)
              throw new Error(`Column ${name} has NULLs: coalesce it in the query.`);
            (target as unknown as Float64Array)[row + i] = Number.NaN;
          }
        row += vector.itemCount;
        continue;
      }
      if (report && Typed) report.slow++;
      for (let i = 0; i < vector.itemCount; i++, row++) {
        const value = vector.getItem(i);
        target[row] =
          Typed === Float64Array && value === null
            ? Number.NaN
            : typeof value === "bigint"
              ? Number(value)
              : value;
      }
    }
    out[name] = target;
  });
  return out;
}
