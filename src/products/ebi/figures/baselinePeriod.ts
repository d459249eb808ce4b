import { EbiError } from "../../../errors/index.ts";
import type { Period } from "./baselines.ts";

/** Months from `start` to `end` inclusive (first days of months, YYYY-MM-DD). */
function monthsBetween(start: string, end: string): number {
  const [ys, ms] = start.split("-").map(Number) as [number, number];
  const [ye, me] = end.split("-").map(Number) as [number, number];
  return (ye - ys) * 12 + (me - ms) + 1;
}

/**
 * Parses a baseline period "YYYY-MM:YYYY-MM" given on the command line: two real months, the first
 * not after the second, 12 months in all (rates and goals are per year). A usage error otherwise.
 */
export function parseBaselinePeriod(option: string, value: string): Period {
  const match = /^(\d{4})-(\d{2}):(\d{4})-(\d{2})$/.exec(value.trim());
  const usage = (why: string) =>
    new EbiError(
      "EBI_USAGE",
      `${option} ${JSON.stringify(value)}: ${why}; expected FROM:TO months, e.g. 2018-04:2019-03.`,
      {
        parameter: option,
        value,
      },
    );
  if (!match) throw usage("not two months YYYY-MM:YYYY-MM");
  const [, y1, m1, y2, m2] = match as unknown as [string, string, string, string, string];
  for (const m of [m1, m2]) if (Number(m) < 1 || Number(m) > 12) throw usage(`month ${m} does not exist`);
  const period = { start: `${y1}-${m1}-01`, end: `${y2}-${m2}-01` };
  if (period.start > period.end) throw usage("the period ends before it starts");
  const months = monthsBetween(period.start, period.end);
  if (months !== 12) throw usage(`a baseline is 12 months, this is ${months}`);
  return period;
}

/** A usage error when a chosen baseline period lies outside the months of loaded activity. */
export function checkBaselineInData(list: string, period: Period, data: Period): void {
  if (period.start < data.start || period.end > data.end)
    throw new EbiError(
      "EBI_USAGE",
      `The ${list} baseline ${period.start.slice(0, 7)} to ${period.end.slice(0, 7)} lies outside the loaded activity (${data.start.slice(0, 7)} to ${data.end.slice(0, 7)}): choose a baseline year within it, or load the missing months.`,
      { list, baseline: period, data },
    );
}
