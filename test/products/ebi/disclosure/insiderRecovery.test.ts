import { describe, expect, it } from "vitest";
import { scopeOf } from "../../../../src/access/scopeOf.ts";
import { registeredScopes } from "../../../../src/disclosure/insiderScopes.ts";
import { demoUsers } from "../../../../src/identity/demoUsers.ts";
import { auditRelease } from "../../../../src/products/ebi/disclosure/attackRelease.ts";
import { insiderRecoveries } from "../../../../src/products/ebi/disclosure/insiderRecovery.ts";
import {
  protectRelease,
  type ReleaseTables,
} from "../../../../src/products/ebi/disclosure/protectRelease.ts";
import { readRelease } from "../../../../src/products/ebi/release/readRelease.ts";
import type {
  BaselineRow,
  MonthlyRow,
  OrganisationRow,
} from "../../../../src/products/ebi/release/tables.ts";
import { registeredValues, writeRegisteredFixture } from "../../../fixtures/release/registeredFixture.ts";
import { fixture } from "../../../fixtures/release/releaseFixture.ts";

describe("what a signed-in user can work out by subtracting their own figures from public totals", async () => {
  const { releasesDir } = await writeRegisteredFixture();
  const pub = await readRelease(releasesDir);
  const reg = await readRelease(releasesDir, undefined, "registered");
  const scopeKeysOf = (username: string) => {
    const user = demoUsers(pub.organisations).find((u) => u.username === username);
    if (!user) throw new Error(username);
    const principal = {
      userId: user.username,
      username: user.username,
      name: user.name,
      orgCode: user.org_code,
      orgType: user.org_type,
      role: user.role,
      source: "demo",
    };
    return scopeOf(principal, pub.organisations, pub.childrenOf).keys;
  };
  const recoveredBy = (username: string) => insiderRecoveries(pub, reg, scopeKeysOf(username));

  it("lists the scopes a user can hold as the footprints registered access grants", () => {
    const scopes = new Map(registeredScopes(pub.organisations).map((s) => [s.name, s.orgs]));
    for (const user of demoUsers(pub.organisations)) {
      if (user.org_type === "national" || !user.org_code) continue;
      const keys = scopeKeysOf(user.username);
      if (keys.size === 0) continue; // an organisation the release does not hold
      const named = [...keys].find((k) => k.endsWith(`|${user.org_code}`)) as string;
      const orgs = scopes.get(named) as ReadonlySet<string>;
      // The footprint, and any total made of it alone (which the holder can add up themselves).
      for (const key of keys) expect(orgs.has(key), `${user.username} ${key}`).toBe(true);
      for (const key of orgs)
        if (!keys.has(key)) {
          const children = pub.childrenOf.get(key.split("|")[1] as string) ?? [];
          const own = children
            .filter((c) => c.level !== "provider")
            .every((c) => orgs.has(`${c.level}|${c.org_code}`));
          expect(own, `${user.username} ${key}`).toBe(true);
        }
    }
  });

  it("finds nothing for scopes that hold every part of each total they touch", () => {
    for (const user of ["sub-icb-analyst", "provider-analyst", "region-analyst", "national-analyst"])
      expect(recoveredBy(user), user).toEqual([]);
  });

  // Region R1 = I1 + I2 is published while both ICBs are hidden (I2 holds counts of 1 to 3, I1 is
  // hidden to protect it). An I1 user knows I1, so R1 − I1 gives I2 and, I2 having one sub-ICB, S3.
  it("finds the other ICB's hidden small counts in a public side written without the insider audit", () => {
    const recovered = recoveredBy("icb-analyst");
    const s3 = recovered.filter((r) => r.cell.startsWith("m|sub_icb|S3|"));
    expect(s3.map((r) => r.value)).toEqual(fixture.months.map((_, i) => registeredValues.grommets("S3", i)));
    expect(new Set(recovered.map((r) => r.cell.split("|").slice(0, 3).join("|")))).toEqual(
      new Set(["m|icb|I2", "m|sub_icb|S3", "b|sub_icb|S3"]),
    );
    expect(recovered.every((r) => r.intervention_id === fixture.grommets)).toBe(true);
  });
});

// England = R1 + R2; R1 = I1 + I2, I1 = S1 + S2, I2 = S3 (counts of 1 to 3); R2 = I3 = S4.
const ID = "test/grommets";
const organisations: OrganisationRow[] = [
  { level: "england", org_code: "ENG", name: "England", parent_code: null },
  { level: "region", org_code: "R1", name: "Region 1", parent_code: "ENG" },
  { level: "region", org_code: "R2", name: "Region 2", parent_code: "ENG" },
  { level: "icb", org_code: "I1", name: "ICB 1", parent_code: "R1" },
  { level: "icb", org_code: "I2", name: "ICB 2", parent_code: "R1" },
  { level: "icb", org_code: "I3", name: "ICB 3", parent_code: "R2" },
  { level: "sub_icb", org_code: "S1", name: "Place 1", parent_code: "I1" },
  { level: "sub_icb", org_code: "S2", name: "Place 2", parent_code: "I1" },
  { level: "sub_icb", org_code: "S3", name: "Place 3", parent_code: "I2" },
  { level: "sub_icb", org_code: "S4", name: "Place 4", parent_code: "I3" },
];
const months = ["2019-04-01", "2019-05-01", "2019-06-01"];
const sub: Record<string, number[]> = { S1: [12, 13, 12], S2: [9, 9, 10], S3: [1, 2, 3], S4: [30, 31, 29] };
const parentOf = new Map(organisations.map((o) => [o.org_code, o.parent_code]));

function twoIcbRegion(): ReleaseTables {
  const totals = new Map<string, number[]>();
  const levelOf = new Map(organisations.map((o) => [o.org_code, o.level]));
  for (const [org, values] of Object.entries(sub))
    for (let code: string | null | undefined = org; code; code = parentOf.get(code)) {
      const key = `${levelOf.get(code)}|${code}`;
      totals.set(
        key,
        (totals.get(key) ?? [0, 0, 0]).map((v, i) => v + (values[i] ?? 0)),
      );
    }
  const monthly: MonthlyRow[] = [];
  const baselines: BaselineRow[] = [];
  for (const o of organisations) {
    const values = totals.get(`${o.level}|${o.org_code}`) ?? [0, 0, 0];
    for (const [i, month] of months.entries())
      monthly.push({
        intervention_id: ID,
        level: o.level,
        org_code: o.org_code,
        month,
        spells: values[i] ?? 0,
        suppressed: null,
      });
    const spells = values.reduce((a, b) => a + b, 0);
    baselines.push({
      intervention_id: ID,
      level: o.level,
      org_code: o.org_code,
      baseline_start: months[0] as string,
      baseline_end: months[2] as string,
      baseline_spells: spells,
      population: 100_000,
      crude_rate: spells,
      dsr: spells,
      dsr_lower: spells / 2,
      dsr_upper: spells * 2,
      goal_rate: null,
      goal_spells: null,
      opportunity_spells: null,
      latest_start: months[0] as string,
      latest_end: months[2] as string,
      latest_spells: spells,
      latest_dsr: spells,
      progress: null,
      unit_cost: null,
      baseline_cost: null,
      opportunity_cost: null,
      suppressed: null,
    });
  }
  return { organisations, monthly, baselines, trajectory: [], variation: [], equity: [], quarterly: [] };
}

describe("the insider channel closed in the build's secondary suppression", async () => {
  const registered = twoIcbRegion();
  const policy = { threshold: 5, rounding: null };
  const scopes = registeredScopes(organisations);
  const i1Scope = (scopes.find((s) => s.name === "icb|I1") as { orgs: ReadonlySet<string> }).orgs;
  // The logic before the insider audit (outsiders only), and the build's own (every scope).
  const outsidersOnly = await protectRelease(registered, { insiderScopes: [] });
  const everyScope = await protectRelease(registered);
  const s3Months = (tables: ReleaseTables) =>
    tables.monthly.filter((r) => r.org_code === "S3").map((r) => r.spells);

  it("recovers S3's months for an I1 user when the build protects against outsiders only", async () => {
    expect(s3Months(outsidersOnly.tables)).toEqual([null, null, null]);
    const recovered = insiderRecoveries(outsidersOnly.tables, { ...registered }, i1Scope);
    expect(recovered.filter((r) => r.cell.startsWith("m|sub_icb|S3|")).map((r) => r.value)).toEqual([
      1, 2, 3,
    ]);
    const audit = await auditRelease(registered, outsidersOnly.tables, policy, 25, { insiders: scopes });
    const exposedS3 = audit.exposed.filter((e) => e.scope === "icb|I1" && e.key.startsWith("m|sub_icb|S3|"));
    // Each is pinned from above at its true value: 0..1, 0..2 and 0..3, never threshold + 1 wide.
    expect(exposedS3.map((e) => [e.value, e.interval[1]])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it("prevents it once the hidden counts outside every registered scope stay protected from its holder", async () => {
    expect(s3Months(everyScope.tables)).toEqual([null, null, null]);
    for (const scope of scopes)
      expect(
        insiderRecoveries(everyScope.tables, registered, scope.orgs).filter(
          (r) => r.value >= 1 && r.value <= 5,
        ),
        scope.name,
      ).toEqual([]);
    const audit = await auditRelease(registered, everyScope.tables, policy, 25, {
      insiders: scopes,
      mip: true,
    });
    expect(audit.problems).toEqual([]);
    expect(audit.exposed).toEqual([]);
    expect(everyScope.report.insider.repaired).toBeGreaterThan(0);
    const i1 = everyScope.report.insider.perScope.find((s) => s.scope === "icb|I1");
    expect(i1?.exposed).toBeGreaterThan(0);
  });
});
