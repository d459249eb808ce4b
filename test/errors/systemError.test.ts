import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { Database } from "../../src/db/index.ts";
import { fromSystemError } from "../../src/errors/index.ts";

const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
};

describe("fromSystemError", () => {
  it("names a full disk from Node (ENOSPC) and from DuckDB, with the step", async () => {
    const node = fromSystemError(
      thrown(() => writeFileSync("/dev/full", "x".repeat(10_000))),
      "write manifest",
    );
    expect(node?.code).toBe("EBI_DISK_FULL");
    expect(node?.message).toContain("write manifest");
    const db = await Database.open(":memory:");
    const error = await db
      .run(
        "COPY (SELECT range FROM range(100000)) TO '/dev/full' (FORMAT parquet)",
        undefined,
        "write monthly",
      )
      .catch((e) => e);
    db.close();
    expect(error.code).toBe("EBI_DISK_FULL");
    expect(error.message).toContain("write monthly");
  });

  it("names a directory given as a file", () => {
    const dir = mkdtempSync(`${tmpdir()}/ebi-dir-`);
    const error = fromSystemError(
      thrown(() => readFileSync(dir)),
      "read costs",
    );
    expect(error?.code).toBe("EBI_PATH_IS_DIRECTORY");
    expect(error?.message).toContain("read costs");
  });

  it("leaves other errors alone", () => {
    expect(fromSystemError(new Error("something else"), "x")).toBeNull();
  });
});
