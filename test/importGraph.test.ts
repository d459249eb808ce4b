import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";

const src = join(import.meta.dirname, "..", "src");

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  );
}

/** The top-level folder of src/ a file lies in. */
const folderOf = (file: string) => relative(src, file).split(sep)[0] ?? "";

const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']+)["']/gm;

/** Edges between top-level folders: folder → folders it imports, with one file that does. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(src)) {
    const from = folderOf(file);
    for (const match of readFileSync(file, "utf8").matchAll(importPattern)) {
      const target = normalize(join(dirname(file), match[1] as string));
      if (!target.startsWith(src + sep)) continue;
      const to = folderOf(target);
      if (to === from || to.endsWith(".ts")) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, relative(src, file));
      graph.set(from, edges);
    }
  }
  return graph;
}

/** One cycle through the folder graph, as folder names, or null. */
function findCycle(graph: Map<string, Map<string, string>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (state.get(next) === "open") return [...path.slice(path.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    path.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys())
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  return null;
}

describe("the import graph of src/", () => {
  const graph = folderGraph();

  it("has no cycle between top-level folders", () => {
    const cycle = findCycle(graph);
    const files = cycle
      ?.slice(1)
      .map((to, i) => `${cycle[i]} → ${to} (${graph.get(cycle[i] as string)?.get(to)})`);
    expect(files ?? []).toEqual([]);
  });

  it("never imports server/ from web/", () => {
    expect(graph.get("web")?.get("server")).toBeUndefined();
  });

  it("imports a product only from the CLI: the spine names no product", () => {
    const importers = [...graph].filter(([, edges]) => edges.has("products")).map(([from]) => from);
    expect(importers).toEqual(["cli"]);
  });

  it("sees the imports it checks", () => {
    // A scan that found nothing would pass the checks above vacuously.
    expect(graph.get("server")?.has("release")).toBe(true);
    expect(graph.get("cli")?.has("products")).toBe(true);
    expect(
      findCycle(
        new Map([
          ["a", new Map([["b", "x"]])],
          ["b", new Map([["a", "y"]])],
        ]),
      ),
    ).toEqual(["a", "b", "a"]);
  });
});
