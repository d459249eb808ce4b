/**
 * A release table declared once: its columns and their types, its key, the columns that are
 * counts (the cells disclosure control protects), the figures derived from each count, and the
 * relations a reader can form between its cells. The Parquet schema, the reader, the API's row
 * schema and the disclosure cell system all come from this one declaration.
 */

/** A DuckDB column type a release table may hold. */
export type ColumnType = "VARCHAR" | "BIGINT" | "DOUBLE";

/** One column: its DuckDB type; `T` is the TypeScript type of its values (a phantom, never set). */
export interface Column<T> {
  readonly type: ColumnType;
  /** True when redaction or a missing figure may leave it NULL. */
  readonly nullable: boolean;
  readonly __value?: T;
}

/** Column builders: `text<OrgLevel>()`, `count()`, `real()`, each nullable unless said otherwise. */
export const column = {
  /** A text column, never NULL. */
  text: <T extends string = string>(): Column<T> => ({ type: "VARCHAR", nullable: false }),
  /** A text column that may be NULL. */
  optionalText: <T extends string = string>(): Column<T | null> => ({ type: "VARCHAR", nullable: true }),
  /** A whole number never NULL (a rank, an order). */
  integer: (): Column<number> => ({ type: "BIGINT", nullable: false }),
  /** A count or other whole number that redaction may empty. */
  count: (): Column<number | null> => ({ type: "BIGINT", nullable: true }),
  /** A real number (rate, interval, money) that may be NULL. */
  real: (): Column<number | null> => ({ type: "DOUBLE", nullable: true }),
};

export type Columns = Record<string, Column<unknown>>;

/** The row type a column declaration describes. */
export type RowOf<C extends Columns> = { [K in keyof C]: C[K] extends Column<infer T> ? T : never };

/**
 * A relation between the cells of the counts (every kind is read the same way by the suppression,
 * the recoverability check and the attacker):
 * - `hierarchy`: a commissioner's count = Σ its children's one level down;
 * - `providers`: England's count = Σ providers' (where treated);
 * - `period`: a period's count = Σ the monthly counts within `start`..`end`;
 * - `breakdown`: the groups of one breakdown (`by` naming the group columns) = the `total` count;
 * - `halves`: a group = its two finer groups (IMD quintile q = deciles 2q − 1 and 2q).
 */
export type Relation =
  | { kind: "hierarchy" }
  | { kind: "providers"; over: string }
  | { kind: "period"; start: string; end: string; months: string }
  | { kind: "breakdown"; total: Record<string, string>; by: readonly string[] }
  | { kind: "halves"; column: string; whole: string; parts: string };

/** A count column: the cell-key tag of its cells and the columns naming one cell. */
export interface CountDeclaration {
  column: string;
  /** The short tag a cell key starts with, e.g. "m" for a monthly count. */
  tag: string;
  /** The columns that name one cell of this count, in key order (the unit aside). */
  key: readonly string[];
  relations: readonly Relation[];
}

export interface TableDeclaration<C extends Columns = Columns, N extends string = string> {
  name: N;
  /** One sentence of what a row is. */
  description: string;
  columns: C;
  /** The columns that make a row unique. */
  key: readonly (keyof C & string)[];
  /** The column naming what the counts are split by for protection, e.g. the rule a count is of. */
  unit?: keyof C & string;
  counts: readonly CountDeclaration[];
  /** Figure columns computed from count columns: hidden whenever any of their counts is. */
  derivedFrom: Readonly<Partial<Record<keyof C & string, readonly (keyof C & string)[]>>>;
  /** How the server reads the public side: whole rows in `order`, or as compact series. */
  order: readonly string[];
}

/** Declares a table; the identity function that gives the declaration its precise type. */
export function declareTable<C extends Columns, N extends string>(
  declaration: TableDeclaration<C, N>,
): TableDeclaration<C, N> {
  return declaration;
}

/** The Parquet (DuckDB) column types of a declared table, in column order. */
export function parquetColumns(table: TableDeclaration): Record<string, ColumnType> {
  return Object.fromEntries(Object.entries(table.columns).map(([name, c]) => [name, c.type]));
}

/** The cell key of one count of a row: its tag and key columns joined by `|`. */
export function cellKeyOf(count: CountDeclaration, row: Record<string, unknown>): string {
  return [count.tag, ...count.key.map((k) => String(row[k]))].join("|");
}
