import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EbiError, errorCodes, errorTableMarkdown, InputError } from "../../src/errors/index.ts";

describe("error catalogue", () => {
  it("docs/errors.md matches the code catalogue (regenerate with `ebi docs errors`)", () => {
    const onDisk = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
    expect(onDisk).toBe(errorTableMarkdown());
  });

  it("every code has an exit code in the sysexits range and an HTTP error status", () => {
    for (const [code, info] of Object.entries(errorCodes)) {
      expect(info.exit, code).toBeGreaterThanOrEqual(64);
      expect(info.exit, code).toBeLessThanOrEqual(78);
      expect(info.status, code).toBeGreaterThanOrEqual(400);
    }
  });
});

describe("InputError", () => {
  it("names the file, row, field, value and what was expected", () => {
    const error = new InputError("EBI_INPUT_VALUE", "not a sex code", {
      file: "apc.csv",
      row: 12,
      field: "sex",
      value: "7",
      expected: "one of 0, 1, 2, 9",
    });
    expect(error.message).toBe(
      'apc.csv, row 12, field `sex`: value "7": not a sex code; expected one of 0, 1, 2, 9',
    );
    expect(error.code).toBe("EBI_INPUT_VALUE");
    expect(error.exitCode).toBe(65);
    expect(error).toBeInstanceOf(EbiError);
  });
});
