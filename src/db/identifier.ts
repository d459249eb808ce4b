import { EbiError } from "../errors/index.ts";

const SAFE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Quotes a SQL identifier after checking it: against `allowed` when given, else against a plain
 * name shape. Identifiers cannot be bound as parameters, so this is the only way names reach SQL.
 */
export function quoteIdentifier(name: string, allowed?: readonly string[]): string {
  if (allowed ? !allowed.includes(name) : !SAFE.test(name)) {
    throw new EbiError("EBI_INVALID_ARGUMENT", `Not an allowed SQL identifier: ${JSON.stringify(name)}`, {
      name,
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string as a SQL literal; only for values that cannot be bound (e.g. file paths in COPY). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
