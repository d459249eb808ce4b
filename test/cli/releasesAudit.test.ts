import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";

const cli = fileURLToPath(new URL("../../bin/ebi.js", import.meta.url));

type AuditLine = { exposed: number; problems: number; insider: { scopes: number; exposed: number } | null };

describe("ebi releases audit's insider flags", () => {
  let home = "";
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "ebi-audit-cli-"));
    await writeRegisteredFixture(home);
  });

  /** Runs `ebi releases audit` on the fixture release and returns its summary line, exit code and the problems it listed. */
  function audit(...flags: string[]): {
    line: AuditLine;
    status: number | null;
    listed: string[];
    stderr: string;
  } {
    const run = spawnSync(process.execPath, [cli, "--home", home, "releases", "audit", ...flags], {
      encoding: "utf8",
      env: { ...process.env, EBI_MEMORY_LIMIT: "1GB" },
    });
    const [first = "{}", ...rest] = run.stdout.trim().split("\n");
    return {
      line: JSON.parse(first) as AuditLine,
      status: run.status,
      listed: rest.map((l) => l.trim()),
      stderr: run.stderr,
    };
  }

  it("attacks as an outsider only unless asked, and with --no-insider-audit", () => {
    for (const flags of [[], ["--no-insider-audit"]]) {
      const { line } = audit(...flags);
      expect(line.insider).toBeNull();
    }
  });

  it("also attacks as each registered scope with --insider-audit or --insider, finding what only insiders can work out", () => {
    const outsider = audit().line;
    for (const flag of ["--insider-audit", "--insider"]) {
      const { line, status, stderr } = audit(flag);
      // The fixture's seven organisations are seven registered scopes; knowing S1's own counts
      // lets its users subtract their way to hidden figures no outsider can reach.
      expect(line.insider?.scopes).toBe(7);
      expect(line.insider?.exposed ?? 0).toBeGreaterThan(0);
      expect(line.exposed).toBe(outsider.exposed + (line.insider?.exposed ?? 0));
      expect(status).toBe(65);
      expect(stderr).toContain("EBI_DISCLOSURE_UNSAFE");
    }
  });

  it("lists each problem once when both attacks find it", () => {
    const { line, listed } = audit("--insider-audit");
    expect(new Set(listed).size).toBe(listed.length);
    expect(line.problems).toBeGreaterThanOrEqual(listed.length);
  });
});
