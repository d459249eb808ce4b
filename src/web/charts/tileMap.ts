import { comparisonFill, comparisonInk, comparisonText } from "./comparisonColours.ts";

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

/** One hex of the cartogram: where it sits, what it links to and how it compares. */
export interface MapTile {
  org_code: string;
  name: string;
  q: number;
  r: number;
  comparison: string | null;
  href: string;
  /** e.g. "812.4 per 100,000" or "suppressed". */
  figure: string;
}

const size = 22;
const w = Math.sqrt(3) * size;

/**
 * A hex cartogram as SVG from HexJSON positions ("odd-r" or "even-r": rows of pointy-top hexes, r
 * increasing upwards, alternate rows shifted half a hex). Each hex links to its area, names itself
 * and its class to assistive technology, and carries the code so the map reads without colour.
 */
export function tileMap(tiles: readonly MapTile[], layout: string, label: string): string {
  if (tiles.length === 0) return "";
  const shiftOdd = layout !== "even-r";
  const rMax = Math.max(...tiles.map((t) => t.r));
  const placed = tiles.map((t) => {
    const odd = Math.abs(t.r) % 2 === 1;
    return { t, cx: w * (t.q + (odd === shiftOdd ? 0.5 : 0)) + w / 2, cy: 1.5 * size * (rMax - t.r) + size };
  });
  const maxX = Math.max(...placed.map((p) => p.cx)) + w / 2 + 2;
  const maxY = Math.max(...placed.map((p) => p.cy)) + size + 2;
  const corners = (cx: number, cy: number) =>
    Array.from({ length: 6 }, (_, k) => {
      const a = (Math.PI / 180) * (60 * k - 30);
      return `${(cx + size * Math.cos(a)).toFixed(1)},${(cy + size * Math.sin(a)).toFixed(1)}`;
    }).join(" ");
  const hexes = placed
    .map(({ t, cx, cy }) => {
      const kind = t.comparison ?? "none";
      const name = `${t.org_code} ${t.name}: ${comparisonText[kind]}, ${t.figure}`;
      return `<a href="${esc(t.href)}" aria-label="${esc(name)}"><polygon points="${corners(cx, cy)}" fill="${comparisonFill[kind]}" stroke="#ffffff" stroke-width="2"><title>${esc(name)}</title></polygon><text x="${cx.toFixed(1)}" y="${(cy + 4).toFixed(1)}" text-anchor="middle" font-size="11" font-family="Arial, sans-serif" fill="${comparisonInk[kind]}" aria-hidden="true">${esc(t.org_code)}</text></a>`;
    })
    .join("");
  return `<svg class="ebi-tile-map" role="group" aria-label="${esc(label)}" viewBox="0 0 ${maxX.toFixed(0)} ${maxY.toFixed(0)}" width="${maxX.toFixed(0)}" height="${maxY.toFixed(0)}">${hexes}</svg>`;
}
