import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCsv, auditFhirBundle, whoSaw } from "../../src/audit/auditExport.ts";
import { AuditLog, appendAfter, chainHead, listEvents, verifyChain } from "../../src/audit/auditLog.ts";
import type { StateDb } from "../../src/state/stateDb.ts";
import { stateTargets } from "../state/stateTargets.ts";

const clock = { now: () => new Date("2026-11-15T10:00:00.000Z") };

for (const target of stateTargets())
  describe(`AuditLog on ${target.name}`, () => {
    let db: StateDb;
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(() => db?.close());

    it("chains every event to the one before, keeping all of 500 recorded at once", async () => {
      const log = new AuditLog(db, clock);
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          log.record({
            kind: "read",
            actor: `u${i % 7}`,
            detail: {
              route: `GET /x/${i}`,
              organisations: ["S1"],
              tables: ["monthly"],
              unredacted: i % 2 === 0,
            },
          }),
        ),
      );
      const events = await listEvents(db);
      expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      expect(new Set(events.map((e) => e.detail.route)).size).toBe(500);
      for (let i = 1; i < events.length; i++) expect(events[i]?.prev_hash).toBe(events[i - 1]?.hash);
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: 500 });
    });

    it("appends a batch after a head only while it is still the chain's last event", async () => {
      const head = await chainHead(db);
      const entry = { kind: "read" as const, actor: "u1", detail: { route: "GET /head-test" } };
      const moved = await appendAfter(db, head, [entry, entry], clock);
      expect(moved).toEqual({ seq: head.seq + 2, hash: (await chainHead(db)).hash });
      // The same stale head again: the chain has moved on, so nothing is written.
      expect(await appendAfter(db, head, [entry], clock)).toBeNull();
      expect(await chainHead(db)).toEqual(moved);
      expect(await verifyChain(db)).toMatchObject({ intact: true, events: head.seq + 2 });
    });

    it("refuses to update or delete an event", async () => {
      await expect(db.query("UPDATE audit_events SET actor = 'someone' WHERE seq = 1")).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query("DELETE FROM audit_events WHERE seq = 2")).rejects.toThrow(/append-only/);
    });

    it("detects a changed event, naming it, once the append-only guard is bypassed", async () => {
      await db.query("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change");
      await db.query(
        `UPDATE audit_events SET detail = jsonb_set(detail, '{unredacted}', 'false') WHERE seq = 41`,
      );
      expect(await verifyChain(db)).toMatchObject({
        intact: false,
        seq: 41,
        reason: expect.stringContaining("content"),
      });
      await db.query(
        `UPDATE audit_events SET detail = jsonb_set(detail, '{unredacted}', 'true') WHERE seq = 41`,
      );
      expect(await verifyChain(db)).toMatchObject({ intact: true });
      await db.query("DELETE FROM audit_events WHERE seq = 100");
      expect(await verifyChain(db)).toMatchObject({
        intact: false,
        seq: 101,
        reason: expect.stringContaining("missing"),
      });
      await db.query("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change");
    });
  });

describe("audit exports", () => {
  const events = [
    {
      seq: 1,
      at: "2026-11-01T09:00:00.000Z",
      kind: "sign-in" as const,
      actor: "a",
      detail: { username: "icb-analyst" },
      prev_hash: "0".repeat(64),
      hash: "h1",
    },
    {
      seq: 2,
      at: "2026-11-01T09:01:00.000Z",
      kind: "read" as const,
      actor: "a",
      detail: {
        username: "icb-analyst",
        route: "GET /api/v1/activity?x=1,2",
        organisations: ["S1", "S2"],
        tables: ["monthly"],
        unredacted: true,
        format: "csv",
      },
      prev_hash: "h1",
      hash: "h2",
    },
    {
      seq: 3,
      at: "2026-12-01T00:00:00.000Z",
      kind: "read" as const,
      actor: "b",
      detail: {
        username: "other",
        route: "GET /",
        organisations: ["S2"],
        tables: ["baselines"],
        unredacted: false,
      },
      prev_hash: "h2",
      hash: "h3",
    },
  ];
  it("writes one CSV row per event with organisations and tables joined and commas quoted", () => {
    const lines = auditCsv(events).trim().split("\r\n");
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe(
      '2,2026-11-01T09:01:00.000Z,read,a,icb-analyst,"GET /api/v1/activity?x=1,2",csv,S1;S2,monthly,true,,h1,h2',
    );
  });
  it("writes a FHIR Bundle of AuditEvent resources with the organisations as entities", () => {
    const bundle = auditFhirBundle(events) as { entry: { resource: Record<string, unknown> }[] };
    expect(bundle.entry).toHaveLength(3);
    const read = bundle.entry[1]?.resource as {
      resourceType: string;
      action: string;
      recorded: string;
      entity: { what: { identifier?: { value: string } } }[];
    };
    expect(read.resourceType).toBe("AuditEvent");
    expect(read.action).toBe("R");
    expect(read.recorded).toBe("2026-11-01T09:01:00.000Z");
    expect(read.entity.map((e) => e.what.identifier?.value).filter(Boolean)).toEqual(["S1", "S2", "h2"]);
  });
  it("reports who saw an organisation's figures per month", () => {
    expect(whoSaw(events, "S2").map((r) => [r.month, r.username, r.reads, r.unredacted_reads])).toEqual([
      ["2026-11", "icb-analyst", 1, 1],
      ["2026-12", "other", 1, 0],
    ]);
  });
});
