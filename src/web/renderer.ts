import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import nunjucks from "nunjucks";
import { assuranceWords, iconSvg, variationWords } from "./spcIcons.ts";

const require = createRequire(import.meta.url);
const templates = join(dirname(fileURLToPath(import.meta.url)), "templates");
const nhsuk = join(dirname(require.resolve("nhsuk-frontend/package.json")), "dist");

const iconText: Record<string, string> = { ...variationWords, ...assuranceWords };
const levelNames: Record<string, string> = {
  england: "England",
  region: "NHS region",
  icb: "ICB",
  sub_icb: "sub-ICB location",
  provider: "provider",
};

/** The page renderer: NHS.UK frontend templates plus the product's, with number formatting filters. */
export function createRenderer(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([templates, nhsuk], { noCache: false }),
    {
      autoescape: true,
      throwOnUndefined: false,
    },
  );
  env.addFilter("blank", (v: unknown) => v === null || v === undefined);
  env.addFilter("num", (v: number | null) =>
    v === null || v === undefined ? "" : Math.round(v).toLocaleString("en-GB"),
  );
  env.addFilter("dp", (v: number | null, places: number) =>
    v === null || v === undefined || !Number.isFinite(v)
      ? "–"
      : v.toLocaleString("en-GB", { minimumFractionDigits: places, maximumFractionDigits: places }),
  );
  env.addFilter("iconText", (v: string | null) => (v ? (iconText[v] ?? v) : "–"));
  env.addFilter("iconSvg", (v: string | null) => new nunjucks.runtime.SafeString(iconSvg(v)));
  env.addFilter("iconClass", (v: string) =>
    v.startsWith("improvement")
      ? "improvement"
      : v.startsWith("concern")
        ? "concern"
        : v.startsWith("neutral")
          ? "neutral"
          : v,
  );
  env.addFilter("levelName", (v: string) => levelNames[v] ?? v);
  env.addFilter("monthName", (v: string) =>
    new Date(`${v}T00:00:00Z`).toLocaleDateString("en-GB", {
      month: "short",
      year: "numeric",
      timeZone: "UTC",
    }),
  );
  return env;
}

export const staticDir = join(dirname(fileURLToPath(import.meta.url)), "static");

/** The NHS.UK frontend's compiled stylesheet. */
export const nhsukStylesheet = join(nhsuk, "nhsuk", "nhsuk-frontend.min.css");

/** The NHS.UK frontend's compiled script (an ES module exporting `initAll`). */
export const nhsukScript = join(nhsuk, "nhsuk", "nhsuk-frontend.min.js");
