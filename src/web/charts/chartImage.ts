/** A chart as a file of its own: standalone SVG (namespace, title, white ground) and PNG. */

const escapeXml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/**
 * A chart's inline SVG made standalone: the SVG namespace, a title and a caption line above the
 * chart, a white ground and a fixed text colour (the page's `currentColor` is not there).
 */
export function standaloneSvg(svg: string, title: string, note: string): string {
  const size = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  const width = Number(size?.[1] ?? 640);
  const height = Number(size?.[2] ?? 300);
  const top = 44;
  const lines = wrap(note, Math.floor(width / 5.6));
  const foot = 8 + 13 * lines.length;
  const inner = svg
    .replace(/^<svg /, `<svg x="0" y="${top}" `)
    .replaceAll('fill="currentColor"', 'fill="#212b32"')
    .replace(/ role="img"/, "")
    .replace(/ aria-label="[^"]*"/, "");
  const noteText = lines
    .map((line, i) => `<tspan x="8" y="${height + top + 14 + 13 * i}">${escapeXml(line)}</tspan>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + top + foot}" viewBox="0 0 ${width} ${height + top + foot}" font-family="Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"><title>${escapeXml(title)}</title><rect width="100%" height="100%" fill="#ffffff"/><text x="8" y="20" font-size="15" font-weight="700" fill="#212b32">${escapeXml(title)}</text>${inner}<text font-size="10" fill="#425563">${noteText}</text></svg>`;
}

/** SVG text rendered to PNG at `scale` × its size with the system's fonts (resvg, loaded on first use). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const width = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? 640);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: Math.round(width * scale) },
    font: { loadSystemFonts: true, defaultFontFamily: "Liberation Sans", sansSerifFamily: "Liberation Sans" },
    background: "#ffffff",
  });
  return Buffer.from(resvg.render().asPng());
}

/** Words broken into lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
