/**
 * Making Data Count's variation and assurance icons, drawn as small inline SVG (hidden from
 * assistive technology: the words beside each icon say the same), and their meaning in words.
 */

/** Variation of the latest point, in words. */
export const variationWords: Record<string, string> = {
  common: "No significant change (common cause variation)",
  "improvement-low": "Improving: significantly fewer than usual",
  "improvement-high": "Improving: significantly more than usual",
  "concern-high": "Concern: significantly more than usual",
  "concern-low": "Concern: significantly fewer than usual",
  "neutral-high": "Significantly higher than usual",
  "neutral-low": "Significantly lower than usual",
};

/** Assurance against the goal, in words. */
export const assuranceWords: Record<string, string> = {
  pass: "Will consistently meet the goal",
  fail: "Will consistently miss the goal",
  "hit-and-miss": "May meet or miss the goal (hit and miss)",
};

const fill: Record<string, string> = {
  common: "#768692",
  improvement: "#005eb8",
  concern: "#ed8b00",
  neutral: "#330072",
  pass: "#005eb8",
  fail: "#ed8b00",
  "hit-and-miss": "#768692",
};

/** The letter or mark inside each icon. */
function glyph(kind: string): string {
  if (kind === "common") return "~";
  if (kind.endsWith("-high")) return "H";
  if (kind.endsWith("-low")) return "L";
  if (kind === "pass") return "P";
  if (kind === "fail") return "F";
  return "?";
}

/** One icon as inline SVG text (24 px), or "" for an unknown kind. */
export function iconSvg(kind: string | null | undefined): string {
  if (!kind) return "";
  const family = kind.split("-")[0] === "hit" ? "hit-and-miss" : (kind.split("-")[0] as string);
  const colour = fill[kind] ?? fill[family];
  if (!colour) return "";
  const dark = family === "concern" || family === "fail";
  const ring =
    kind in assuranceWords
      ? `<circle cx="12" cy="12" r="8.5" fill="none" stroke="#fff" stroke-width="1.2"/>`
      : "";
  return `<svg class="ebi-spc-icon" width="24" height="24" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="12" cy="12" r="11" fill="${colour}"/>${ring}<text x="12" y="16.5" text-anchor="middle" font-family="Arial, sans-serif" font-size="12" font-weight="700" fill="${dark ? "#212b32" : "#fff"}">${glyph(kind)}</text></svg>`;
}
