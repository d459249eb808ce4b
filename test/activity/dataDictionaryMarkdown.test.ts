import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dataDictionaryMarkdown, inputFields, problemReasons } from "../../src/activity/index.ts";
import { approvalsDictionaryMarkdown } from "../../src/approvals/approvalsDictionaryMarkdown.ts";

describe("data dictionary", () => {
  it("docs/data-dictionary.md matches the field table (regenerate with `ebi docs data-dictionary`)", () => {
    const onDisk = readFileSync(new URL("../../docs/data-dictionary.md", import.meta.url), "utf8");
    expect(onDisk).toBe(`${dataDictionaryMarkdown()}\n\n${approvalsDictionaryMarkdown()}`);
  });

  it("lists every field with its aliases and every reason code", () => {
    const text = dataDictionaryMarkdown();
    for (const f of inputFields) for (const alias of f.aliases) expect(text).toContain(`\`${alias}\``);
    for (const reason of Object.keys(problemReasons)) expect(text).toContain(`\`${reason}\``);
  });
});
