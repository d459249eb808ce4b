import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  approveGrant,
  type GrantContext,
  grantStatus,
  listGrants,
  requestGrant,
  sweepGrants,
  touchGrants,
} from "../../src/access/grants.ts";
import type { Principal } from "../../src/access/principal.ts";
import { AuditLog, listEvents } from "../../src/audit/auditLog.ts";
import { upsertUser } from "../../src/identity/users.ts";
import type { OrganisationRow } from "../../src/release/tables.ts";
import type { StateDb } from "../../src/state/stateDb.ts";
import { fixtureOrganisations } from "../fixtures/release/releaseFixture.ts";
import { stateTargets } from "../state/stateTargets.ts";

class Clock {
  t = new Date("2026-01-05T09:00:00.000Z").getTime();
  now = () => new Date(this.t);
  days(n: number) {
    this.t += n * 86_400_000;
  }
}

const childrenOf = new Map<string, OrganisationRow[]>();
for (const o of fixtureOrganisations)
  if (o.parent_code) childrenOf.set(o.parent_code, [...(childrenOf.get(o.parent_code) ?? []), o]);

for (const target of stateTargets())
  describe(`grants on ${target.name}`, () => {
    let db: StateDb;
    let ctx: GrantContext;
    let clock: Clock;
    const people: Record<string, Principal> = {};
    beforeAll(async () => {
      db = await target.open();
      clock = new Clock();
      ctx = { db, clock, audit: new AuditLog(db, clock), organisations: fixtureOrganisations, childrenOf };
      for (const [username, org_code, org_type, role] of [
        ["analyst", "I1", "icb", "viewer"],
        ["i1-approver", "I1", "icb", "approver"],
        ["i2-approver", "I2", "icb", "approver"],
        ["i2-viewer", "I2", "icb", "viewer"],
      ] as const) {
        const u = await upsertUser(db, clock, {
          subject: username,
          username,
          name: username,
          org_code,
          org_type,
          role,
          source: "demo",
        });
        people[username] = {
          userId: u.id,
          username,
          name: username,
          orgCode: org_code,
          orgType: org_type,
          role,
          source: "demo",
        };
      }
    });
    afterAll(() => db?.close());
    const p = (name: string) => people[name] as Principal;

    it("needs a purpose and an organisation that exists", async () => {
      await expect(requestGrant(ctx, p("analyst"), "S3", "short")).rejects.toMatchObject({
        code: "EBI_GRANT_INVALID",
      });
      await expect(
        requestGrant(ctx, p("analyst"), "XX9", "benchmarking against a neighbour"),
      ).rejects.toMatchObject({ code: "EBI_GRANT_INVALID" });
    });

    it("is approved only by someone else holding the approver role for that organisation", async () => {
      const id = await requestGrant(
        ctx,
        p("i2-approver"),
        "S1",
        "comparing pathways with a neighbouring place",
      );
      await expect(approveGrant(ctx, p("i2-approver"), id)).rejects.toMatchObject({
        code: "EBI_GRANT_INVALID",
      });
      await expect(approveGrant(ctx, p("analyst"), id)).rejects.toMatchObject({ code: "EBI_FORBIDDEN" });
      const other = await requestGrant(
        ctx,
        p("analyst"),
        "S3",
        "comparing pathways with a neighbouring place",
      );
      await expect(approveGrant(ctx, p("i1-approver"), other)).rejects.toMatchObject({
        code: "EBI_FORBIDDEN",
      });
      const approved = await approveGrant(ctx, p("i2-approver"), other);
      expect(grantStatus(approved, clock.now())).toBe("active");
      expect(new Date(approved.expires_at as string).getTime() - clock.now().getTime()).toBe(
        180 * 86_400_000,
      );
      const approvedS1 = await approveGrant(ctx, p("i1-approver"), id);
      expect(approvedS1.approved_by).toBe(p("i1-approver").userId);
      const kinds = (await listEvents(db)).map((e) => e.kind);
      expect(kinds.filter((k) => k === "grant-requested")).toHaveLength(2);
      expect(kinds.filter((k) => k === "grant-approved")).toHaveLength(2);
    });

    it("warns in its last 14 days, expires after 180, and is revoked after 6 months unused", async () => {
      const [s3] = (await listGrants(db, p("analyst").userId)).filter((g) => g.org_code === "S3");
      const [s1] = (await listGrants(db, p("i2-approver").userId)).filter((g) => g.org_code === "S1");
      if (!s3 || !s1) throw new Error("grants missing");
      clock.days(100);
      await touchGrants(db, clock, [s3.id]);
      clock.days(70);
      expect(grantStatus((await listGrants(db, p("analyst").userId))[0] as never, clock.now())).toBe(
        "expiring",
      );
      clock.days(14);
      // 184 days after approval: S1 was never used (revoked), S3 was used on day 100 (not revoked, but expired).
      expect(await sweepGrants(ctx)).toEqual([s1.id]);
      const after = await listGrants(db);
      expect(grantStatus(after.find((g) => g.id === s1.id) as never, clock.now())).toBe("revoked");
      expect(grantStatus(after.find((g) => g.id === s3.id) as never, clock.now())).toBe("expired");
      const revoked = (await listEvents(db)).filter((e) => e.kind === "grant-revoked");
      expect(revoked.map((e) => e.detail.reason)).toEqual(["not used for 6 months"]);
    });
  });
