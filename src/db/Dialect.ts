/**
 * The SQL that differs between engines, behind one small interface. The build writes DuckDB's
 * dialect by default (it is what runs here); a distributed or server engine supplies its own.
 * Only constructs the build uses are here: list lambdas, `GROUP BY ALL`, `min_by` over a struct,
 * integer division and replacing a table.
 */
export interface Dialect {
  readonly name: string;
  /** True when some element `variable` of the list `items` satisfies `predicate`. */
  listAny(items: string, variable: string, predicate: string): string;
  /** The GROUP BY clause over `keys` (the non-aggregated select expressions). */
  groupBy(keys: readonly string[]): string;
  /**
   * Select-list items holding, for each field, its value on the row with the least `order`,
   * named `${alias}_${field}`; read them back with `fieldOf`.
   */
  firstBy(fields: Record<string, string>, order: readonly string[], alias: string): string;
  /** An item chosen by `firstBy`. */
  fieldOf(alias: string, field: string): string;
  /** Whole-number division truncating toward zero, of whole numbers. */
  intDiv(a: string, b: string): string;
  /** Statements that (re)create the temporary table `name` as the result of `select`. */
  createTempTable(name: string, select: string): string[];
}

/** DuckDB's dialect: lambdas, `GROUP BY ALL`, `min_by` over a struct. */
export const duckdbDialect: Dialect = {
  name: "duckdb",
  listAny: (items, variable, predicate) => `len(list_filter(${items}, ${variable} -> ${predicate})) > 0`,
  groupBy: () => "GROUP BY ALL",
  firstBy: (fields, order, alias) =>
    `min_by({${Object.entries(fields)
      .map(([name, value]) => `'${name}': ${value}`)
      .join(", ")}}, (${order.join(", ")})) AS ${alias}`,
  fieldOf: (alias, field) => `${alias}.${field}`,
  intDiv: (a, b) => `${a} // ${b}`,
  createTempTable: (name, select) => [`CREATE OR REPLACE TEMP TABLE ${name} AS\n${select}`],
};

/** PostgreSQL's dialect: `unnest` for list tests, explicit grouping keys, ordered `array_agg` for firsts. */
export const postgresDialect: Dialect = {
  name: "postgres",
  listAny: (items, variable, predicate) =>
    `EXISTS (SELECT 1 FROM unnest(${items}) AS u(${variable}) WHERE ${predicate})`,
  groupBy: (keys) => `GROUP BY ${keys.join(", ")}`,
  firstBy: (fields, order, alias) =>
    Object.entries(fields)
      .map(([name, value]) => `(array_agg(${value} ORDER BY ${order.join(", ")}))[1] AS ${alias}_${name}`)
      .join(", "),
  fieldOf: (alias, field) => `${alias}_${field}`,
  // Integer operands divide as integers in PostgreSQL (div() would return numeric).
  intDiv: (a, b) => `(${a} / ${b})`,
  createTempTable: (name, select) => [
    `DROP TABLE IF EXISTS ${name}`,
    `CREATE TEMP TABLE ${name} AS\n${select}`,
  ],
};
