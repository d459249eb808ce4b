import { readFileSync } from "node:fs";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { EbiError } from "../errors/index.ts";
import { approvalFields } from "./approvalFields.ts";

const fieldNames = approvalFields.map((f) => f.name);

/**
 * How another system's export maps onto the approvals layout: which column holds each field, how
 * its values read (`"Funding Approved"` → `approved`), and constants for fields it does not carry.
 */
export const ApprovalMapping = Type.Object(
  {
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    columns: Type.Optional(Type.Record(Type.String(), Type.String({ minLength: 1 }))),
    values: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.String()))),
    constants: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type ApprovalMapping = Static<typeof ApprovalMapping>;

/** Reads and checks a mapping file (JSON), naming the path of each problem. */
export function readApprovalMapping(path: string): ApprovalMapping {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new EbiError("EBI_APPROVALS_MAPPING", `${path} is not readable JSON: ${(error as Error).message}`, {
      file: path,
    });
  }
  if (!Value.Check(ApprovalMapping, data)) {
    const problems = [...Value.Errors(ApprovalMapping, data)]
      .slice(0, 5)
      .map((e) => `${e.path || "/"}: ${e.message}`);
    throw new EbiError(
      "EBI_APPROVALS_MAPPING",
      `${path} is not an approvals mapping (fields: ${fieldNames.join(", ")}): ${problems.join("; ")}`,
      { file: path, problems },
    );
  }
  const unknown = (["columns", "values", "constants"] as const).flatMap((part) =>
    Object.keys(data[part] ?? {})
      .filter((k) => !fieldNames.includes(k))
      .map((k) => `/${part}/${k}`),
  );
  if (unknown.length > 0)
    throw new EbiError(
      "EBI_APPROVALS_MAPPING",
      `${path} names fields the approvals layout does not have (${unknown.join(", ")}); fields: ${fieldNames.join(", ")}`,
      { file: path, problems: unknown },
    );
  return data;
}

/** The mapping's value translations as rows (field, value as compared, canonical value). */
export function mappingValueRows(
  mapping?: ApprovalMapping,
): { field: string; from_key: string; to_value: string }[] {
  return Object.entries(mapping?.values ?? {}).flatMap(([field, table]) =>
    Object.entries(table as Record<string, string>).map(([from, to]) => ({
      field,
      from_key: from.trim().toLowerCase(),
      to_value: to,
    })),
  );
}
