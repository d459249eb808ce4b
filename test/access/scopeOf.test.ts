import { describe, expect, it } from "vitest";
import type { Principal } from "../../src/access/principal.ts";
import { scopeOf } from "../../src/access/scopeOf.ts";
import type { OrganisationRow } from "../../src/release/tables.ts";
import { fixtureOrganisations } from "../fixtures/release/releaseFixture.ts";

const childrenOf = new Map<string, OrganisationRow[]>();
for (const o of fixtureOrganisations)
  if (o.parent_code) childrenOf.set(o.parent_code, [...(childrenOf.get(o.parent_code) ?? []), o]);
const who = (orgCode: string, orgType: Principal["orgType"]): Principal => ({
  userId: "u",
  username: "u",
  name: "u",
  orgCode,
  orgType,
  role: "viewer",
  source: "demo",
});
const keys = (p: Principal | null, grants: { id: string; org_code: string }[] = []) =>
  [...scopeOf(p, fixtureOrganisations, childrenOf, grants).keys].sort();

describe("scopeOf", () => {
  it("gives an ICB its sub-ICB locations, a sub-ICB itself, a provider its trust, a region its ICBs and theirs", () => {
    expect(keys(who("I1", "icb"))).toEqual(["icb|I1", "sub_icb|S1", "sub_icb|S2"]);
    expect(keys(who("S3", "sub_icb"))).toEqual(["sub_icb|S3"]);
    expect(keys(who("P1", "provider"))).toEqual(["provider|P1"]);
    expect(keys(who("R1", "region"))).toEqual([
      "icb|I1",
      "icb|I2",
      "region|R1",
      "sub_icb|S1",
      "sub_icb|S2",
      "sub_icb|S3",
    ]);
    expect(keys(who("ENG", "national"))).toHaveLength(fixtureOrganisations.length);
  });
  it("gives nothing to anonymous users, unknown organisations or a type that does not match the code", () => {
    expect(keys(null)).toEqual([]);
    expect(keys(who("ZZZ", "icb"))).toEqual([]);
    expect(keys(who("S1", "icb"))).toEqual([]);
    expect(scopeOf(null, fixtureOrganisations, childrenOf).key).toBe("public");
  });
  it("adds each grant's footprint and names the grants it used", () => {
    const scope = scopeOf(who("S1", "sub_icb"), fixtureOrganisations, childrenOf, [
      { id: "g1", org_code: "I2" },
    ]);
    expect([...scope.keys].sort()).toEqual(["icb|I2", "sub_icb|S1", "sub_icb|S3"]);
    expect(scope.grants).toEqual(["g1"]);
    expect(scope.key).not.toBe(scopeOf(who("S1", "sub_icb"), fixtureOrganisations, childrenOf).key);
  });
});
