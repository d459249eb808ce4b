import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { AuditEntry } from "../../src/audit/auditEvent.ts";
import { AuditLog, listEvents, recoverSpilled, verifyChain } from "../../src/audit/auditLog.ts";
import type { StateDb } from "../../src/state/stateDb.ts";
import { stateTargets } from "../state/stateTargets.ts";

/** A clock one millisecond on at every reading, so each event's time says when it was taken. */
function tickingClock(start = Date.parse("2026-11-15T10:00:00.000Z")) {
  let t = start;
  return { now: () => new Date(t++) };
}

const read = (i: number): AuditEntry => ({
  kind: "read",
  actor: "u1",
  detail: { route: `GET /x/${i}`, organisations: ["S1"], tables: ["monthly"], unredacted: true },
});

/** Makes every insert into the chain fail, as a full disk or a lost server would. */
async function breakWrites(db: StateDb): Promise<void> {
  await db.query(`CREATE OR REPLACE FUNCTION audit_refuse() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql`);
  await db.query(
    "CREATE TRIGGER audit_refuse BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse()",
  );
}
const mendWrites = (db: StateDb) => db.query("DROP TRIGGER audit_refuse ON audit_events");

async function until(test: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const target of stateTargets())
  describe(`AuditLog delivery on ${target.name}`, () => {
    let db: StateDb;
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(() => db?.close());
    beforeEach(async () => {
      await db.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change");
      await db.query("DELETE FROM audit_events");
      await db.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change");
    });

    it("takes events without waiting and commits them in batches, each keeping the time it was taken", async () => {
      const log = new AuditLog(db, tickingClock(), { maxBatch: 300 });
      for (let i = 0; i < 1000; i++) log.append(read(i));
      expect(log.pending).toBeGreaterThan(0);
      await until(() => log.pending === 0);
      const events = await listEvents(db);
      expect(events.map((e) => e.detail.route)).toEqual(
        Array.from({ length: 1000 }, (_, i) => `GET /x/${i}`),
      );
      expect(events[0]?.at).toBe("2026-11-15T10:00:00.000Z");
      expect(events[999]?.at).toBe("2026-11-15T10:00:00.999Z");
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: 1000 });
    });

    it("refuses new events while it cannot write, keeps those it took, and commits them once it can", async () => {
      const log = new AuditLog(db, tickingClock(), { intervalMs: 5 });
      log.append(read(0));
      await log.flush();
      await breakWrites(db);
      for (let i = 1; i <= 5; i++) log.append(read(i));
      await expect(log.flush()).rejects.toMatchObject({ code: "EBI_AUDIT_UNAVAILABLE" });
      expect(log.healthy).toBe(false);
      expect(() => log.append(read(6))).toThrow(expect.objectContaining({ code: "EBI_AUDIT_UNAVAILABLE" }));
      await expect(log.record(read(7))).rejects.toMatchObject({ code: "EBI_AUDIT_UNAVAILABLE" });
      expect(log.pending).toBe(5);
      await mendWrites(db);
      // Retried on its own, without another event or a flush.
      await until(() => log.pending === 0);
      expect(log.healthy).toBe(true);
      const routes = (await listEvents(db)).map((e) => e.detail.route);
      expect(routes).toEqual([0, 1, 2, 3, 4, 5].map((i) => `GET /x/${i}`));
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: 6 });
      await log.close();
    });

    it("counts itself unhealthy when more events wait than it may hold", async () => {
      const log = new AuditLog(db, tickingClock(), { maxQueued: 3, intervalMs: 60_000 });
      for (let i = 0; i < 3; i++) log.append(read(i));
      expect(log.healthy).toBe(false);
      expect(() => log.append(read(3))).toThrow(expect.objectContaining({ code: "EBI_AUDIT_UNAVAILABLE" }));
      await log.flush();
      expect(log.healthy).toBe(true);
      expect((await listEvents(db)).length).toBe(3);
    });

    it("at shutdown keeps what it could not commit on disk, and the next start appends it to the chain", async () => {
      const spillDir = mkdtempSync(join(tmpdir(), "ebi-audit-spill-"));
      const log = new AuditLog(db, tickingClock(), { spillDir });
      log.append(read(0));
      await log.flush();
      await breakWrites(db);
      log.append(read(1));
      log.append(read(2));
      await expect(log.close()).rejects.toThrow(/2 audit events could not be written.*kept in/);
      const [file] = readdirSync(spillDir);
      expect(
        readFileSync(join(spillDir, file as string), "utf8")
          .trim()
          .split("\n"),
      ).toHaveLength(2);
      expect(() => log.append(read(3))).toThrow(expect.objectContaining({ code: "EBI_AUDIT_UNAVAILABLE" }));
      // Still refusing: recovery fails and leaves the file for the next try.
      await expect(recoverSpilled(db, tickingClock(), spillDir)).rejects.toThrow(/disk full/);
      expect(readdirSync(spillDir)).toEqual([file]);
      await mendWrites(db);
      expect(await recoverSpilled(db, tickingClock(), spillDir)).toBe(2);
      expect(existsSync(join(spillDir, file as string))).toBe(false);
      const events = await listEvents(db);
      expect(events.map((e) => e.detail.route)).toEqual(["GET /x/0", "GET /x/1", "GET /x/2"]);
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: 3 });
    });

    it("keeps one chain when two logs (two replicas) write to one database at once", async () => {
      const a = new AuditLog(db, tickingClock(), { maxBatch: 7, intervalMs: 1 });
      const b = new AuditLog(db, tickingClock(), { maxBatch: 5, intervalMs: 1 });
      for (let i = 0; i < 200; i++) (i % 2 ? a : b).append(read(i));
      await Promise.all([a.flush(), b.flush()]);
      const events = await listEvents(db);
      expect(new Set(events.map((e) => e.detail.route)).size).toBe(200);
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: 200 });
    });
  });
