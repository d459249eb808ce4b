import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { groupEpisodeSql, loadGroups } from "../../../src/products/planned-care/loadGroups.ts";

const fixture = (name: string) => join(import.meta.dirname, "../../fixtures/planned-care", name);

describe("loadGroups", () => {
  it("loads the shipped planned-care groups with a source each, and the EBI interventions beside them", async () => {
    const { sets, groups } = await loadGroups();
    const planned = groups.filter((g) => g.kind === "planned").map((g) => g.slug);
    expect(planned).toEqual(
      expect.arrayContaining([
        "all-planned",
        "hip-replacement",
        "knee-replacement",
        "cataract",
        "hernia-repair",
        "cholecystectomy",
      ]),
    );
    expect(groups.filter((g) => g.kind === "planned").every((g) => g.provenance.length > 20)).toBe(true);
    expect(groups.some((g) => g.kind === "ebi" && g.group_id.startsWith("ebi-list-1/"))).toBe(true);
    expect(sets[0]?.id).toBe("planned-care");
    expect(sets[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("adds a commissioner's local group, compiled by the rules engine", async () => {
    const { groups, sets } = await loadGroups([fixture("local-groups.json")], { beside: false });
    const local = groups.find((g) => g.slug === "tonsillectomy-adults");
    expect(local?.group_id).toBe("local-groups/tonsillectomy-adults");
    expect(local?.episodeSql).toContain("'F34'");
    expect(local?.episodeSql).toContain("age >= 19");
    expect(sets.find((s) => s.id === "local-groups")?.local).toBe(true);
  });

  it("names the file, the group and the code when a local code cannot exist", async () => {
    await expect(loadGroups([fixture("bad-code.json")], { beside: false })).rejects.toThrow(
      /bad-code\.json: \/groups\/0\/match\/procedure\/codes\/0 \(carpal-tunnel-local\): the code "A65\.1" cannot exist/,
    );
  });

  it("refuses a local slug the shipped groups already use", async () => {
    await expect(loadGroups([fixture("duplicate-slug.json")], { beside: false })).rejects.toThrow(
      /group "cataract" is already defined in .*planned-care\.json/,
    );
  });

  it("lists every schema problem with its path and the value found", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pc-groups-"));
    const file = join(dir, "broken.json");
    writeFileSync(file, JSON.stringify({ id: "Bad Id", version: "1", title: "x", groups: [{ slug: "a" }] }));
    const error = await loadGroups([file], { beside: false }).catch((e: Error & { code?: string }) => e);
    expect((error as { code?: string }).code).toBe("EBI_PLANNED_CARE_GROUPS_INVALID");
    expect((error as Error).message).toMatch(
      /broken\.json: does not follow the procedure-group format: \/id/,
    );
    expect((error as Error).message).toContain("/groups/0");
    writeFileSync(file, "{ not json");
    await expect(loadGroups([file], { beside: false })).rejects.toThrow(/broken\.json: is not valid JSON/);
  });

  it("compiles a group with no codes to every planned admission", () => {
    expect(groupEpisodeSql({ slug: "x", name: "x", provenance: "p", confidence: "published" })).toBe("true");
    expect(
      groupEpisodeSql({ slug: "x", name: "x", provenance: "p", confidence: "published", sex: "male" }),
    ).toBe("sex = '1'");
  });
});
