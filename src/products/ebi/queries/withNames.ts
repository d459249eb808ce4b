import type { LoadedRelease } from "../release/readRelease.ts";

/** Columns with a name column placed beside each code column a row has. */
export function namedColumns(columns: readonly string[]): string[] {
  return columns.flatMap((c) =>
    c === "intervention_id"
      ? [c, "intervention_name"]
      : c === "org_code"
        ? [c, "org_name"]
        : c === "parent_code"
          ? [c, "parent_name"]
          : [c],
  );
}

/** Rows with the intervention's and organisation's names beside their codes, for downloads. */
export function withNames<T extends object>(
  release: LoadedRelease,
  rows: readonly T[],
): (T & Record<string, unknown>)[] {
  const orgName = (level: unknown, code: unknown) =>
    release.organisationOf.get(`${String(level)}|${String(code)}`)?.name ?? null;
  return rows.map((row) => {
    const r = row as Record<string, unknown>;
    const out: Record<string, unknown> = { ...r };
    if ("intervention_id" in r)
      out.intervention_name = release.interventionOf.get(String(r.intervention_id))?.name ?? null;
    if ("org_code" in r) out.org_name = "name" in r ? r.name : orgName(r.level ?? "", r.org_code);
    if ("parent_code" in r)
      out.parent_name = r.parent_code
        ? (["region", "icb", "england"].map((l) => orgName(l, r.parent_code)).find((n) => n !== null) ?? null)
        : null;
    return out as T & Record<string, unknown>;
  });
}
