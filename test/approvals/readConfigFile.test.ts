import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readApprovalPolicy } from "../../src/approvals/approvalPolicy.ts";
import { readEscalationConfig } from "../../src/approvals/escalation.ts";

const fileWith = (text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "approvals-config-")), "config.json");
  writeFileSync(path, text);
  return path;
};

describe("approval configuration files", () => {
  it("names the file when it is not JSON", () => {
    const path = fileWith("{ not json");
    expect(() => readApprovalPolicy(path)).toThrow(
      expect.objectContaining({ code: "EBI_APPROVALS_CONFIG", message: expect.stringContaining(path) }),
    );
  });

  it("names the file, its kind and the field when the JSON does not fit", () => {
    const path = fileWith(JSON.stringify({ version: 3 }));
    expect(() => readApprovalPolicy(path)).toThrow(/is not an approval policy: .*\/version: Expected string/);
    expect(() => readEscalationConfig(path)).toThrow(
      /is not an escalation configuration: .*\/version: Expected string/,
    );
  });
});
