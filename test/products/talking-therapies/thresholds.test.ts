import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import {
  defaultThresholds,
  loadThresholds,
  usableInOutcomes,
} from "../../../src/products/talking-therapies/thresholds.ts";

const run = promisify(execFile);

describe("thresholds", () => {
  it("confirms PHQ-9 (10, 6) and GAD-7 (8, 4) and keeps every unconfirmed measure out of outcomes", () => {
    const usable = defaultThresholds.tools.filter(usableInOutcomes);
    expect(usable.map((t) => [t.tool, t.caseness, t.reliableChange])).toEqual([
      ["phq9", 10, 6],
      ["gad7", 8, 4],
    ]);
    expect(defaultThresholds.tools.every((t) => t.source.length > 0)).toBe(true);
  });

  it("names the field, value and what was expected in a bad thresholds file", () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-thresholds-"));
    const file = join(dir, "t.json");
    const bad = structuredClone(defaultThresholds) as unknown as { tools: { status: string }[] };
    (bad.tools[2] as { status: string }).status = "probably";
    writeFileSync(file, JSON.stringify(bad));
    expect(() => loadThresholds(file)).toThrow(/tools\[2\]\.status.*"probably".*confirmed or unconfirmed/);
    const noPhq = { ...defaultThresholds, tools: defaultThresholds.tools.filter((t) => t.tool !== "phq9") };
    writeFileSync(file, JSON.stringify(noPhq));
    expect(() => loadThresholds(file)).toThrow(/phq9/);
  });

  it("reads a service's own file, which can confirm a measure", () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-thresholds-"));
    const file = join(dir, "t.json");
    const own = structuredClone(defaultThresholds);
    const spin = own.tools.find((t) => t.tool === "spin");
    if (spin)
      Object.assign(spin, {
        snomed: ["123456789"],
        reliableChange: 10,
        status: "confirmed",
        source: "local",
      });
    writeFileSync(file, JSON.stringify(own));
    expect(
      loadThresholds(file)
        .tools.filter(usableInOutcomes)
        .map((t) => t.tool),
    ).toEqual(["phq9", "gad7", "spin"]);
  });
});

describe("ebi talking-therapies measures (CLI)", () => {
  it("runs as both `talking-therapies` and `tt`, writing the same file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-cli-"));
    const args = ["measures", "--input", "test/fixtures/talking-therapies/traps", "--from", "2024-04-01"];
    const env = { ...process.env, EBI_MEMORY_LIMIT: "1GB" };
    await run(
      "node",
      ["bin/ebi.js", "talking-therapies", ...args, "--to", "2025-03-31", "--output", join(dir, "a.csv")],
      { env },
    );
    await run("node", ["bin/ebi.js", "tt", ...args, "--to", "2025-03-31", "--output", join(dir, "b.csv")], {
      env,
    });
    const a = readFileSync(join(dir, "a.csv"), "utf8");
    expect(a).toBe(readFileSync(join(dir, "b.csv"), "utf8"));
    expect(a).toContain("England,All,finished_course_treatment,count,8,M076");
  });

  it("exits with the missing-table code when a required table is absent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tt-cli-"));
    const error = await run("node", [
      "bin/ebi.js",
      "tt",
      "measures",
      "--input",
      dir,
      "--from",
      "2024-04-01",
      "--to",
      "2025-03-31",
      "--output",
      join(dir, "o.csv"),
    ]).catch((e) => e);
    expect(error.code).toBe(66);
    expect(error.stderr).toContain("EBI_TT_TABLE_MISSING");
  });
});
