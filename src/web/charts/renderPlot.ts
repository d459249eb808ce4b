import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

/** Renders an Observable Plot to SVG text on the server, labelled for screen readers. */
export function renderPlot(options: Record<string, unknown>, label: string): string {
  const svg = Plot.plot({ document, ...options } as never) as unknown as { outerHTML: string };
  // The chart is one image to assistive technology (its data is in the table beside it), so the
  // labels Plot puts on inner groups, which ARIA does not allow there, are removed.
  const escaped = label.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string,
  );
  return svg.outerHTML
    .replace(/ aria-label="[^"]*"/g, "")
    .replace(/^<svg/, `<svg role="img" aria-label="${escaped}"`);
}
