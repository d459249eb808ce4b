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

/** One link in the service's header: `key` is the `active` value of the pages it leads to. */
export interface SiteLink {
  href: string;
  text: string;
  key: string;
  /** "about" links (methods, downloads) follow every product's own links. */
  group?: "about";
}

/** What every page shows around its content: the service's name and its header links. */
export interface SiteFrame {
  serviceName: string;
  navigation: readonly SiteLink[];
  /** What a release counts when its manifest does not say. */
  countingUnit?: string;
  /** Folders of templates beside the shared ones, searched first (a product's own pages). */
  templates?: readonly string[];
}

/** A frame with no links, for pages rendered outside the service. */
export const bareFrame: SiteFrame = { serviceName: "Insight", navigation: [] };

/** The header links of several products, each product's own links first and then the "about" ones. */
export function siteNavigation(links: readonly (readonly SiteLink[])[]): SiteLink[] {
  const all = links.flat();
  return [...all.filter((l) => l.group !== "about"), ...all.filter((l) => l.group === "about")];
}

/**
 * The page renderer: NHS.UK frontend templates plus the service's, with number formatting filters
 * and the frame (`serviceName`, `navigation`) every page's layout reads.
 */
export function createRenderer(frame: SiteFrame = bareFrame): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([...(frame.templates ?? []), templates, nhsuk], { noCache: false }),
    {
      autoescape: true,
      throwOnUndefined: false,
    },
  );
  env.addGlobal("serviceName", frame.serviceName);
  env.addGlobal("countingUnit", frame.countingUnit ?? "record");
  env.addGlobal("navItems", (active: unknown) =>
    frame.navigation.map((l) => ({ href: l.href, text: l.text, current: active === l.key })),
  );
  env.addFilter("blank", (v: unknown) => v === null || v === undefined);
  // A registered row names each figure the public side hides (`hidden_publicly`), so a page marks
  // that figure and no other; a figure of such a row shown without its field name is a page fault.
  env.addFilter("hiddenPublicly", (row: unknown, field?: string) => {
    if (!row || typeof row !== "object") return false;
    const fields = (row as { hidden_publicly?: Record<string, true> }).hidden_publicly;
    if (fields) {
      if (!field)
        throw new Error("A registered figure is shown without naming its field, so it cannot be marked.");
      return fields[field] === true;
    }
    return (row as { public_hidden?: boolean }).public_hidden === true;
  });
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
