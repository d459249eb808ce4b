import type { PublicEquityCell } from "../../../src/products/planned-care/public/protectEquity.ts";

/** A cell of the public file with the key a reader would give it. */
const keyOf = (
  c: Pick<PublicEquityCell, "group_id" | "fyear" | "level" | "org_code" | "dimension" | "group_code">,
) =>
  `${c.group_id}|${c.fyear}|${c.level}|${c.org_code}|${c.dimension === "imd_quintile" && c.group_code === "unknown" ? "imd_decile" : c.dimension}|${c.group_code}`;

/**
 * A reader's arithmetic on the published planned-care cells, written independently of the build:
 * every sum the reader knows holds (a commissioner's total = Σ deciles = Σ quintiles = Σ age bands =
 * Σ sexes = Σ ethnic groups; a quintile = its two deciles; a parent's cell = Σ its children's, down to
 * sub-ICB locations), and whenever one member of a sum is the only one hidden it is worked out, over
 * and over until nothing more comes out. Returns what was worked out, by key.
 */
export function recoverByArithmetic(
  cells: readonly PublicEquityCell[],
  organisations: readonly { level: string; org_code: string; parent_code: string | null }[],
): Map<string, number> {
  const known = new Map<string, number | null>();
  for (const c of cells) known.set(keyOf(c), c.spells);
  const sums: { total: string; parts: string[] }[] = [];
  const units = new Map<string, PublicEquityCell[]>();
  for (const c of cells) {
    const k = `${c.group_id}|${c.fyear}|${c.level}|${c.org_code}`;
    units.set(k, [...(units.get(k) ?? []), c]);
  }
  for (const unit of units.values()) {
    const total = unit.find((c) => c.dimension === "total");
    if (!total) continue;
    for (const d of ["imd_decile", "imd_quintile", "age_band", "sex", "ethnic_group"])
      sums.push({
        total: keyOf(total),
        parts: [...new Set(unit.filter((c) => c.dimension === d).map(keyOf))],
      });
    for (let q = 1; q <= 5; q++) {
      const quintile = unit.find((c) => c.dimension === "imd_quintile" && c.group_code === String(q));
      if (quintile)
        sums.push({
          total: keyOf(quintile),
          parts: unit
            .filter((c) => c.dimension === "imd_decile" && Math.ceil(Number(c.group_code) / 2) === q)
            .map(keyOf),
        });
    }
  }
  const levelOf = new Map(organisations.map((o) => [o.org_code, o.level]));
  const children = new Map<string, string[]>();
  for (const c of cells) {
    const org = organisations.find((o) => o.level === c.level && o.org_code === c.org_code);
    if (!org?.parent_code) continue;
    const parentLevel = levelOf.get(org.parent_code);
    if (!parentLevel) continue;
    const parent = keyOf({ ...c, level: parentLevel, org_code: org.parent_code });
    const list = children.get(parent) ?? [];
    if (!list.includes(keyOf(c))) list.push(keyOf(c));
    children.set(parent, list);
  }
  for (const [total, parts] of children) if (known.has(total)) sums.push({ total, parts });
  const recovered = new Map<string, number>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const { total, parts } of sums) {
      const members = [total, ...parts];
      const hidden = members.filter((m) => known.get(m) === null);
      if (hidden.length !== 1) continue;
      const h = hidden[0] as string;
      const partSum = parts.reduce((a, p) => a + (p === h ? 0 : (known.get(p) ?? 0)), 0);
      const value = h === total ? partSum : (known.get(total) ?? 0) - partSum;
      known.set(h, value);
      recovered.set(h, value);
      changed = true;
    }
  }
  return recovered;
}
