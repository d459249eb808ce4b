import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const cli = join(import.meta.dirname, "../../bin/ebi.js");
const fixtures = join(import.meta.dirname, "../fixtures/approvals");

describe("ebi approvals match", () => {
  it("writes one row per restricted spell and intervention, then the unused approvals, and the quarantine beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "approvals-cli-"));
    const output = join(dir, "MATCHES.csv");
    const { stdout } = await run(process.execPath, [
      cli,
      "approvals",
      "match",
      "--activity",
      join(fixtures, "activity.csv"),
      "--approvals",
      join(fixtures, "approvals.csv"),
      "--output",
      output,
    ]);
    expect(stdout).toContain(
      "approved 9, approved_after 2, declined 2, expired 1, no_approval 2, other_intervention 3, other_provider 1, unused 6",
    );
    const lines = readFileSync(output, "utf8").trim().split("\n");
    expect(lines[0]).toBe(
      "spell_id,patient_id,intervention_id,official_id,admission_date,provider_code,approval_ref,status,reason",
    );
    expect(lines.filter((l) => l.startsWith(",")).every((l) => l.includes(",unused,"))).toBe(true);
    const quarantine = readFileSync(join(dir, "MATCHES.quarantine.csv"), "utf8").trim().split("\n");
    expect(quarantine[0]).toBe("file,row,field,value,reason");
    expect(quarantine).toHaveLength(10);
  });

  it("exits with the input error's code when the approvals file lacks the layout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "approvals-cli-"));
    const failed = run(process.execPath, [
      cli,
      "approvals",
      "match",
      "--activity",
      join(fixtures, "activity.csv"),
      "--approvals",
      join(fixtures, "activity.csv"),
      "--output",
      join(dir, "m.csv"),
    ]);
    await expect(failed).rejects.toMatchObject({ code: 65 });
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringContaining("error EBI_FILE_COLUMNS") });
  });
});
