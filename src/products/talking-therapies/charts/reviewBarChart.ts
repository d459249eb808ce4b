import * as Plot from "@observablehq/plot";
import { renderPlot } from "../../../web/charts/renderPlot.ts";
import type { PublicTable } from "../public/reviewTables.ts";

/**
 * One percentage column of a public review table as horizontal bars, a bar per row (labelled by
 * the row's label columns), with the national standard as a dashed line where there is one. A
 * suppressed figure keeps its row, labelled, so a missing bar is never read as a low one.
 */
export function reviewBarChart(table: PublicTable, title: string): string {
  const chart = table.chart;
  if (!chart) return "";
  const labels = table.columns.filter((c) => c.kind === "label").map((c) => c.key);
  const data = table.rows.map((r) => {
    const v = r[chart.value];
    return {
      row: labels.map((k) => r[k]).join(" · "),
      value: typeof v === "number" ? v : null,
      note: typeof v === "number" ? null : v === null ? "hidden (small numbers)" : "no figure",
    };
  });
  if (data.length === 0) return "";
  const shown = data.filter((d) => d.value !== null);
  const top = Math.max(chart.reference ?? 0, ...shown.map((d) => d.value ?? 0));
  return renderPlot(
    {
      width: 760,
      height: 50 + data.length * 24,
      marginLeft: 300,
      x: { label: `${chart.label} →`, grid: true, domain: [0, top > 0 ? Math.min(100, top * 1.1) : 1] },
      y: { label: null, domain: data.map((d) => d.row) },
      marks: [
        Plot.barX(shown, { y: "row", x: "value", fill: "#005eb8" }),
        Plot.text(shown, {
          y: "row",
          x: "value",
          text: (d: { value: number }) => String(d.value),
          dx: 4,
          textAnchor: "start",
          fill: "#231f20",
        }),
        Plot.text(
          data.filter((d) => d.note !== null),
          { y: "row", x: 0, text: "note", textAnchor: "start", dx: 4, fill: "#4c6272" },
        ),
        ...(chart.reference === undefined
          ? []
          : [Plot.ruleX([chart.reference], { stroke: "#d5281b", strokeDasharray: "4,3" })]),
      ],
    },
    title,
  );
}
