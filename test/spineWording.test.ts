import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");

/** The shared folders no product's words belong in. */
const spine = ["release", "disclosure", "server", "web", "db"];

/**
 * EBI's own words: its counting unit, its subject, its pandemic band, and the name "EBI" itself.
 * The project's identifiers stay (the `ebi` command, `EBI_…` codes and settings, `ebi-` classes,
 * `EbiError`); the service's display name comes from its configuration (`products/productList.ts`).
 */
const ebiWords = [/\bspells?\b/i, /\binterventions?\b/i, /\bpandemic\b/i, /evidence-based/i, /\bEBI\b(?!_)/];

/** Every text file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name))
      : /\.(ts|njk|css|js)$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The files under `folders` (of src/) that use any of EBI's words, with the first line that does. */
function wordedFiles(folders: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const folder of folders)
    for (const file of files(join(src, folder))) {
      const line = readFileSync(file, "utf8")
        .split("\n")
        .find((l) => ebiWords.some((word) => word.test(l)));
      if (line !== undefined) found.set(relative(src, file).split(sep).join("/"), line.trim());
    }
  return found;
}

describe("EBI's words in the shared folders", () => {
  const found = wordedFiles(spine);

  it("appear in no spine file", () => {
    expect([...found].map(([file, line]) => `${file}: ${line}`)).toEqual([]);
  });

  it("are found where they belong, so the scan is not vacuous", () => {
    const ebi = wordedFiles(["products/ebi"]);
    expect(ebi.has("products/ebi/pages/registerPages.ts")).toBe(true);
    expect(ebi.has("products/ebi/templates/intervention.njk")).toBe(true);
    expect(ebiWords.some((w) => w.test("`ebi serve`, EBI_NOT_FOUND, ebi-registered, EbiError"))).toBe(false);
    expect(ebiWords.filter((w) => w.test("EBI Insight: Spells a month per intervention"))).toHaveLength(3);
  });
});
