import { describe, expect, it } from "vitest";
import { scopeOf } from "../../src/access/scopeOf.ts";
import { demoUsers } from "../../src/identity/demoUsers.ts";
import { insiderRecoveries } from "../../src/products/ebi/disclosure/insiderRecovery.ts";
import { readRelease } from "../../src/release/readRelease.ts";
import { registeredValues, writeRegisteredFixture } from "../fixtures/release/registeredFixture.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";

describe("what a signed-in user can work out by subtracting their own figures from public totals", async () => {
  const { releasesDir } = await writeRegisteredFixture();
  const pub = await readRelease(releasesDir);
  const reg = await readRelease(releasesDir, undefined, "registered");
  const recoveredBy = (username: string) => {
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
    return insiderRecoveries(pub, reg, scopeOf(principal, pub.organisations, pub.childrenOf).keys);
  };

  it("finds nothing for scopes that hold every part of each total they touch", () => {
    for (const user of ["sub-icb-analyst", "provider-analyst", "region-analyst", "national-analyst"])
      expect(recoveredBy(user), user).toEqual([]);
  });

  // Region R1 = I1 + I2 is published while both ICBs are hidden (I2 holds counts of 1 to 3, I1 is
  // hidden to protect it). An I1 user knows I1, so R1 − I1 gives I2 and, I2 having one sub-ICB, S3.
  it("finds the other ICB's hidden small counts for an ICB user of a two-ICB region, with their values", () => {
    const recovered = recoveredBy("icb-analyst");
    const s3 = recovered.filter((r) => r.cell.startsWith("m|sub_icb|S3|"));
    expect(s3.map((r) => r.value)).toEqual(fixture.months.map((_, i) => registeredValues.grommets("S3", i)));
    expect(new Set(recovered.map((r) => r.cell.split("|").slice(0, 3).join("|")))).toEqual(
      new Set(["m|icb|I2", "m|sub_icb|S3", "b|sub_icb|S3"]),
    );
    expect(recovered.every((r) => r.intervention_id === fixture.grommets)).toBe(true);
  });
});
