import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

const { document } = parseHTML("<!doctype html><html><body></body></html>");

/** Renders an Observable Plot to SVG text on the server, labelled for screen readers. */
export function renderPlot(options: Record<string, unknown>, label: string): string {
  const svg = Plot.plot({ document, ...options } as never) as unknown as {
    outerHTML: string;
    setAttribute(n: string, v: string): void;
  };
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  return svg.outerHTML;
}
