import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("../../bin/ebi.js", import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/activity/${name}`, import.meta.url));
const published = fixture("apc_published_coding.csv");

/** Runs `ebi classify` as a user would and returns the output CSV's rows by episode key. */
function classify(...args: string[]): { header: string; byKey: Map<string, string> } {
  return classifyFile(published, ...args);
}

function classifyFile(input: string, ...args: string[]): { header: string; byKey: Map<string, string> } {
  const output = join(mkdtempSync(join(tmpdir(), "ebi-classify-")), "out.csv");
  const run = spawnSync(process.execPath, [cli, "classify", "--input", input, "--output", output, ...args], {
    encoding: "utf8",
    env: { ...process.env, EBI_MEMORY_LIMIT: "1GB" },
  });
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const [header = "", ...lines] = readFileSync(output, "utf8").trim().split("\n");
  const byKey = new Map<string, string>();
  for (const line of lines) {
    // DuckDB quotes an empty string ("") to tell it from NULL; no value here holds a comma.
    const cells = line.split(",").map((c) => c.replace(/^"(.*)"$/, "$1"));
    byKey.set(cells[1] as string, cells[4] ?? "");
  }
  return { header, byKey };
}

describe("ebi classify on a HES-layout file", () => {
  const { header, byKey } = classify("--rules", "ebi-list-1,ebi-list-2");

  it("writes the documented columns, one row per episode", () => {
    expect(header).toBe("source_row,epikey,spell,quarantine,interventions,counting_unit");
    expect(byKey.size).toBe(22);
  });

  it("classifies arthroscopic meniscal surgery as the programme's coding page says", () => {
    expect(byKey.get("M1")).toBe("ebi-list-2/meniscal-tear-arthroscopy"); // S83.2 current tear included
    expect(byKey.get("M4")).toBe("ebi-list-2/meniscal-tear-arthroscopy"); // M23.3 alone, a child
    expect(byKey.get("M2")).toBe(""); // meniscal diagnosis not primary
    expect(byKey.get("M3")).toBe(""); // W71 is not in the published coding
    expect(byKey.get("M5")).toBe(""); // non-elective admission
  });

  it("counts colonoscopy and upper GI endoscopy in adults 19 and over, not polypectomy or surveillance", () => {
    expect(byKey.get("C1")).toBe("ebi-list-2/appropriate-colonoscopy");
    expect(byKey.get("C2")).toBe("");
    expect(byKey.get("C3")).toBe("");
    expect(byKey.get("C4")).toBe("");
    expect(byKey.get("U1")).toBe("ebi-list-2/upper-gi-endoscopy");
    expect(byKey.get("U2")).toBe("");
  });

  it("follows the published appendicectomy SQL: emergency admissions excluded", () => {
    expect(byKey.get("A1")).toBe("ebi-list-2/appendicectomy-without-confirmation");
    expect(byKey.get("A2")).toBe("");
  });

  it("counts grommets under 12 with glue ear as the primary diagnosis, by the current version", () => {
    expect(byKey.get("G1")).toBe("ebi-list-1/grommets-glue-ear");
    expect(byKey.get("G2")).toBe("");
    expect(byKey.get("G3")).toBe("");
  });

  it("uses the guidance's skin lesion list and counts planned cholecystectomy after acute cholecystitis", () => {
    expect(byKey.get("S1")).toBe("ebi-list-1/benign-skin-lesions");
    expect(byKey.get("S2")).toBe("");
    expect(byKey.get("H1")).toBe("ebi-list-2/cholecystectomy");
    expect(byKey.get("B1")).toBe("ebi-list-1/benign-skin-lesions;ebi-list-1/chalazia-removal");
  });

  it("counts a two-episode spell once, on its dominant episode, judged on the admitting diagnosis", () => {
    expect(byKey.get("K1")).toBe("");
    expect(byKey.get("K2")).toBe("ebi-list-1/knee-arthroscopy-osteoarthritis");
  });

  it("counts episodes on their own codes with --unit episode", () => {
    const episodes = classify("--rules", "ebi-list-1", "--unit", "episode");
    expect(episodes.byKey.get("K1")).toBe("");
    expect(episodes.byKey.get("K2")).toBe(""); // Z98.8 is its own primary diagnosis
  });

  it("selects the original guidance with id@version", () => {
    const original = classify("--rules", "ebi-list-1@2019, ebi-list-2");
    expect(original.byKey.get("G2")).toBe("ebi-list-1/grommets-glue-ear"); // aged 12: a child in 2019
    expect(original.byKey.get("M1")).toBe("ebi-list-2/meniscal-tear-arthroscopy");
  });

  it("keeps episodes without spell or patient ids apart: a cancer or a dominant procedure of one is not another's", () => {
    const { byKey: rows } = classifyFile(fixture("apc_no_spell_ids.csv"), "--rules", "ebi-list-2");
    expect(rows.get("N1")).toBe("ebi-list-2/meniscal-tear-arthroscopy");
    expect(rows.get("N2")).toBe("ebi-list-2/appropriate-colonoscopy");
    expect(rows.get("N3")).toBe("");
  });
});
