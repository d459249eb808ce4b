import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEvents, verifyChain } from "../../src/audit/auditLog.ts";
import { fixture } from "../fixtures/release/releaseFixture.ts";
import { type RegisteredTestApp, registeredTestApp } from "./registeredApp.ts";
import { signIn } from "./signInFlow.ts";

let t: RegisteredTestApp;
beforeAll(async () => {
  t = await registeredTestApp();
});
afterAll(() => t?.close());

const route = `/api/v1/activity?intervention=${fixture.grommets}&org=S2`;

describe("registered reads while the audit log cannot write", () => {
  it("refuses registered figures (503, problem code) but keeps serving the public side, then serves them again once it can", async () => {
    const { jar } = await signIn(t.send, "icb-analyst");
    const ok = await t.app.inject({ url: route, headers: { cookie: jar.header() } });
    expect(ok.statusCode).toBe(200);
    await t.access.audit.flush();
    const before = (await listEvents(t.state)).filter((e) => e.kind === "read").length;
    await t.state.query(`CREATE FUNCTION audit_refuse() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql`);
    await t.state.query(
      "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
    );
    // This answer is given (its event is queued); the failed commit then turns the log unhealthy.
    const queued = await t.app.inject({ url: `${route}&limit=3`, headers: { cookie: jar.header() } });
    expect(queued.statusCode).toBe(200);
    await expect(t.access.audit.flush()).rejects.toMatchObject({ code: "EBI_AUDIT_UNAVAILABLE" });
    const refused = await t.app.inject({ url: route, headers: { cookie: jar.header() } });
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toMatchObject({ code: "EBI_AUDIT_UNAVAILABLE" });
    expect(refused.body).not.toMatch(/"spells":\d/);
    const anonymous = await t.app.inject({ url: route });
    expect(anonymous.statusCode).toBe(200);
    await t.state.query("DROP TRIGGER audit_refuse ON audit_events");
    await t.access.audit.flush();
    const again = await t.app.inject({ url: route, headers: { cookie: jar.header() } });
    expect(again.statusCode).toBe(200);
    await t.access.audit.flush();
    const reads = (await listEvents(t.state)).filter((e) => e.kind === "read");
    // The answer given during the failure was recorded after all, then the one after recovery.
    expect(reads.slice(before).map((e) => e.detail.route)).toEqual([`GET ${route}&limit=3`, `GET ${route}`]);
    expect(await verifyChain(t.state)).toMatchObject({ intact: true });
  });
});
