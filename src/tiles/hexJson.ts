import { InputError } from "../errors/index.ts";
import type { OrgLevel } from "../release/tables.ts";

/** HexJSON's offset layouts (Open Innovations' format for hex cartograms). */
export const hexLayouts = ["odd-r", "even-r", "odd-q", "even-q"] as const;
export type HexLayout = (typeof hexLayouts)[number];

/** One tile of a cartogram: an organisation (by ONS code) at column q, row r of the offset grid. */
export interface Tile {
  level: OrgLevel;
  ons_code: string;
  name: string | null;
  q: number;
  r: number;
}

/** A parsed HexJSON file: its layout and tiles. */
export interface TileLayout {
  layout: HexLayout;
  tiles: Tile[];
}

/** The level of an ONS code: E40 NHS region, E54 ICB, E38 sub-ICB location; null for anything else. */
export function levelOfOnsCode(code: string): OrgLevel | null {
  if (/^E40\d{6}$/.test(code)) return "region";
  if (/^E54\d{6}$/.test(code)) return "icb";
  if (/^E38\d{6}$/.test(code)) return "sub_icb";
  return null;
}

/**
 * Reads HexJSON text: `{"layout": "odd-r", "hexes": {"E54000048": {"q": 0, "r": 0, "n": "…"}}}`,
 * keys ONS codes of NHS regions, ICBs or sub-ICB locations. A bad layout, a key of no known level,
 * a non-integer q or r, or two tiles of one level on the same cell fails with the key named.
 */
export function parseHexJson(text: string, file: string): TileLayout {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(
      "EBI_FILE_UNREADABLE",
      "not JSON",
      { file, expected: "a HexJSON object" },
      { cause: error },
    );
  }
  const body = data as { layout?: unknown; hexes?: unknown };
  if (typeof body !== "object" || body === null || !(hexLayouts as readonly unknown[]).includes(body.layout))
    throw new InputError("EBI_INPUT_VALUE", "not a HexJSON layout", {
      file,
      field: "layout",
      value: (body as { layout?: unknown } | null)?.layout ?? null,
      expected: hexLayouts.join(", "),
    });
  if (typeof body.hexes !== "object" || body.hexes === null || Array.isArray(body.hexes))
    throw new InputError("EBI_INPUT_VALUE", "no hexes", {
      file,
      field: "hexes",
      expected: "an object of hexes by code",
    });
  const tiles: Tile[] = [];
  const taken = new Map<string, string>();
  for (const [code, hex] of Object.entries(body.hexes as Record<string, unknown>)) {
    const level = levelOfOnsCode(code);
    if (!level)
      throw new InputError("EBI_INPUT_VALUE", "a hex whose key is not an NHS organisation's ONS code", {
        file,
        field: "hexes",
        value: code,
        expected: "E40…, E54… or E38… followed by six digits",
      });
    const { q, r, n } = (hex ?? {}) as { q?: unknown; r?: unknown; n?: unknown };
    for (const [field, value] of [
      ["q", q],
      ["r", r],
    ] as const)
      if (!Number.isInteger(value))
        throw new InputError("EBI_INPUT_VALUE", "a hex without a whole-number position", {
          file,
          field: `hexes.${code}.${field}`,
          value: value ?? null,
          expected: "an integer",
        });
    const cell = `${level}|${q}|${r}`;
    const other = taken.get(cell);
    if (other)
      throw new InputError("EBI_INPUT_VALUE", `two hexes on one cell (${other} is there)`, {
        file,
        field: `hexes.${code}`,
        value: { q, r },
        expected: "one hex per cell at each level",
      });
    taken.set(cell, code);
    tiles.push({
      level,
      ons_code: code,
      name: typeof n === "string" ? n : null,
      q: q as number,
      r: r as number,
    });
  }
  return { layout: body.layout as HexLayout, tiles };
}

/**
 * A HexJSON layout for a list of organisations in the order given (neighbours stay near): rows of
 * ⌈√(1.2 n)⌉ hexes, odd rows shifted ("odd-r"). Used by the demo country, which has no map.
 */
export function rowLayout(codes: readonly { ons_code: string; name: string }[]): {
  layout: "odd-r";
  hexes: Record<string, { q: number; r: number; n: string }>;
} {
  const width = Math.max(1, Math.ceil(Math.sqrt(1.2 * codes.length)));
  const hexes: Record<string, { q: number; r: number; n: string }> = {};
  codes.forEach((c, i) => {
    const r = Math.floor(i / width);
    // Snake the rows so consecutive organisations stay side by side across a row's end.
    const q = r % 2 === 0 ? i % width : width - 1 - (i % width);
    hexes[c.ons_code] = { q, r: r === 0 ? 0 : -r, n: c.name };
  });
  return { layout: "odd-r", hexes };
}
