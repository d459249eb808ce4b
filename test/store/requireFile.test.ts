import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { quietEffects } from "../../src/effects/index.ts";
import { readCostTable } from "../../src/pipeline/costs.ts";
import { loadReferenceFile } from "../../src/reference/loadReferenceFile.ts";
import { openStore } from "../../src/store/index.ts";
import { requireWritableFile } from "../../src/store/requireFile.ts";

const dir = mkdtempSync(join(tmpdir(), "ebi-a-folder-"));
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error("expected an error");
};

describe("a directory given where a file belongs", () => {
  it("is EBI_PATH_IS_DIRECTORY naming the path for a cost table, a reference file and an output", async () => {
    expect(codeOf(() => readCostTable(dir))).toMatchObject({ code: "EBI_PATH_IS_DIRECTORY" });
    expect(codeOf(() => requireWritableFile(dir, "classified output")).message).toContain(dir);
    const db = await openStore(":memory:");
    try {
      const error = await loadReferenceFile(
        db,
        { dataset: "imd", file: dir, vintage: "2019" } as never,
        quietEffects(),
      ).catch((e) => e);
      expect(error.code).toBe("EBI_PATH_IS_DIRECTORY");
      expect(error.message).toContain(dir);
    } finally {
      db.close();
    }
  });
});
