import * as Plot from "@observablehq/plot";
import { renderPlot } from "../../../web/charts/renderPlot.ts";
import type { PublicTable } from "../public/reviewTables.ts";

const areaColours = ["#231f20", "#005eb8", "#ed8b00", "#007f3b", "#330072", "#d5281b"];

/** The week an interval label ("2–3 weeks", "52+ weeks") ends at, the open one drawn at 52. */
const intervalEnd = (label: string) => {
  const m = /^(\d+)(?:–(\d+))?/.exec(label);
  return m?.[2] ? Number(m[2]) : 52;
};

/**
 * One step chart per kind of wait: the share still waiting for the next appointment against
 * weeks since the last, a line per area (the whole service in black). Intervals whose figure is
 * hidden end the line; the table beside it gives every figure.
 */
export function survivalCharts(table: PublicTable): { gap: string; svg: string }[] {
  const gaps = [...new Set(table.rows.map((r) => String(r.gap)))];
  const areas = [...new Set(table.rows.map((r) => String(r.area)))];
  return gaps.map((gap) => {
    const data = table.rows
      .filter((r) => r.gap === gap && typeof r.still_waiting === "number")
      .map((r) => ({
        area: String(r.area),
        week: intervalEnd(String(r.interval)),
        value: r.still_waiting as number,
      }));
    // Every curve starts at 100% at week 0.
    const starts = areas.map((area) => ({ area, week: 0, value: 100 }));
    const series = [...starts, ...data].sort((a, b) => a.week - b.week);
    return {
      gap,
      svg: renderPlot(
        {
          width: 760,
          height: 300,
          marginRight: 20,
          x: { label: "Weeks since the last appointment →", domain: [0, 52], grid: true },
          y: { label: "↑ Still waiting (%)", domain: [0, 100], grid: true },
          color: { domain: areas, range: areaColours, legend: false },
          marks: [
            Plot.line(series, { x: "week", y: "value", stroke: "area", curve: "step-after", strokeWidth: 2 }),
            // A key in the top right corner, one line per area in its colour.
            Plot.text(
              areas.map((area, i) => ({ area, y: 96 - 7 * i })),
              {
                x: 52,
                y: "y",
                text: (d: { area: string }) => `— ${d.area}`,
                fill: "area",
                textAnchor: "end",
                fontWeight: 600,
              },
            ),
          ],
        },
        `${gap}: share still waiting for the next appointment by weeks since the last, by area (Kaplan–Meier)`,
      ),
    };
  });
}
