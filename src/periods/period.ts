import { EbiError } from "../errors/index.ts";

/**
 * The grains a figure can be shown at: calendar month, quarter of the financial year (April–June
 * first), financial year (April–March) and the rolling 12 months ending at each month.
 */
export const periodGrains = ["month", "quarter", "financial_year", "rolling_12"] as const;
export type PeriodGrain = (typeof periodGrains)[number];

/** Months each grain spans. */
export const monthsIn: Record<PeriodGrain, number> = {
  month: 1,
  quarter: 3,
  financial_year: 12,
  rolling_12: 12,
};

/** How each grain is named on pages, in downloads and in the API documentation. */
export const grainText: Record<PeriodGrain, string> = {
  month: "Month",
  quarter: "Quarter",
  financial_year: "Financial year",
  rolling_12: "Rolling 12 months",
};

/** One period: its grain and its first and last months ("YYYY-MM-01", inclusive), with its label. */
export interface Period {
  grain: PeriodGrain;
  start: string;
  end: string;
  label: string;
}

const monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Month "YYYY-MM-DD" moved by `n` months (negative back), as "YYYY-MM-01". */
export function addMonths(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}-01`;
}

/** "Apr 2019" for "2019-04-01". */
export function monthLabel(month: string): string {
  return `${monthNames[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

/** The financial year's first month (April) of a month. */
function yearStart(month: string): string {
  const year = Number(month.slice(0, 4));
  return `${Number(month.slice(5, 7)) >= 4 ? year : year - 1}-04-01`;
}

/** A financial year's name from its first month, "2019-20". */
export function financialYearName(start: string): string {
  const year = Number(start.slice(0, 4));
  return `${year}-${String((year + 1) % 100).padStart(2, "0")}`;
}

/**
 * The period of `grain` that holds `month`; for `rolling_12`, the 12 months ending with it.
 * Quarters are the financial year's: Q1 April–June … Q4 January–March.
 */
export function periodOf(month: string, grain: PeriodGrain): Period {
  const first = `${month.slice(0, 7)}-01`;
  if (grain === "month") return { grain, start: first, end: first, label: monthLabel(first) };
  if (grain === "rolling_12") {
    const start = addMonths(first, -11);
    return { grain, start, end: first, label: `12 months to ${monthLabel(first)}` };
  }
  const fy = yearStart(first);
  if (grain === "financial_year")
    return { grain, start: fy, end: addMonths(fy, 11), label: financialYearName(fy) };
  const offset = (Number(first.slice(5, 7)) - 4 + 12) % 12;
  const quarter = Math.floor(offset / 3);
  const start = addMonths(fy, quarter * 3);
  return { grain, start, end: addMonths(start, 2), label: `${financialYearName(fy)} Q${quarter + 1}` };
}

/** Every month of a period, in order. */
export function monthsOf(period: Pick<Period, "start" | "end">): string[] {
  const months: string[] = [];
  for (let m = period.start; m <= period.end; m = addMonths(m, 1)) months.push(m);
  return months;
}

/** True when `value` names a grain. */
export function isPeriodGrain(value: unknown): value is PeriodGrain {
  return typeof value === "string" && (periodGrains as readonly string[]).includes(value);
}

/**
 * The grain a request asks for (`?period=`): absent or empty is `fallback`; anything else that is
 * not a grain is refused with the parameter named.
 */
export function parsePeriodGrain(value: unknown, fallback: PeriodGrain = "month"): PeriodGrain {
  if (value === undefined || value === null || value === "") return fallback;
  if (isPeriodGrain(value)) return value;
  throw new EbiError(
    "EBI_INVALID_ARGUMENT",
    `Parameter \`period\`: ${JSON.stringify(value)} is not one of ${periodGrains.join(", ")}`,
    { parameter: "period", value: String(value) },
  );
}
