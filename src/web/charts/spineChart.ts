import { comparisonFill } from "./comparisonColours.ts";

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/** One row of a spine chart: a rate against England with the level's range and the peers' median. */
export interface SpineRow {
  rate: number | null;
  england: number | null;
  peerMedian: number | null;
  range: { min: number; p25: number; p75: number; max: number } | null;
  comparison: string | null;
}

const width = 180;
const height = 26;
const mid = width / 2;
const reach = width / 2 - 8;

/**
 * A spine chart row as SVG, in Fingertips' form: England at the centre line; the light bar the
 * lowest to highest published rate of the level, the dark bar the 25th to 75th percentile; a
 * circle the area's rate coloured by its comparison with England; a diamond the peers' median.
 * Each row is scaled so the farthest of those from England reaches the edge. Decorative: the
 * figures are in the row's cells, so the image is hidden from assistive technology.
 */
export function spineChart(row: SpineRow): string {
  const { england } = row;
  if (england === null || row.rate === null)
    return `<svg class="ebi-spine" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false"><line x1="${mid}" x2="${mid}" y1="2" y2="${height - 2}" stroke="#212b32"/></svg>`;
  const values = [row.rate, row.peerMedian, row.range?.min, row.range?.max].filter(
    (v): v is number => typeof v === "number",
  );
  const half = Math.max(1e-9, ...values.map((v) => Math.abs(v - england)));
  const x = (v: number) => (mid + (reach * (v - england)) / half).toFixed(1);
  const bar = (from: number, to: number, fill: string, h: number) =>
    `<rect x="${x(from)}" y="${(height - h) / 2}" width="${(Number(x(to)) - Number(x(from))).toFixed(1)}" height="${h}" fill="${fill}"/>`;
  const parts = [
    row.range ? bar(row.range.min, row.range.max, "#d8dde0", 14) : "",
    row.range ? bar(row.range.p25, row.range.p75, "#768692", 14) : "",
    `<line x1="${mid}" x2="${mid}" y1="1" y2="${height - 1}" stroke="#212b32" stroke-width="2"/>`,
    row.peerMedian !== null
      ? `<path d="M${x(row.peerMedian)} 4 l5 9 l-5 9 l-5 -9 z" fill="#ffffff" stroke="#212b32" stroke-width="1.5"/>`
      : "",
    `<circle cx="${x(row.rate)}" cy="${height / 2}" r="6" fill="${esc(comparisonFill[row.comparison ?? "none"] ?? "#d8dde0")}" stroke="#212b32" stroke-width="1.5"/>`,
  ];
  return `<svg class="ebi-spine" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" aria-hidden="true" focusable="false">${parts.join("")}</svg>`;
}
