import type { AuditEvent } from "./auditEvent.ts";

const csvField = (value: unknown) => {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Events as CSV: one row each, organisations and tables joined with `;`. */
export function auditCsv(events: readonly AuditEvent[]): string {
  const header = [
    "seq",
    "at",
    "kind",
    "actor",
    "username",
    "route",
    "format",
    "organisations",
    "tables",
    "unredacted",
    "detail",
    "prev_hash",
    "hash",
  ];
  const lines = [header.join(",")];
  for (const e of events) {
    const { route, format, organisations, tables, unredacted, username, ...rest } = e.detail;
    lines.push(
      [
        e.seq,
        e.at,
        e.kind,
        e.actor,
        username,
        route,
        format,
        organisations?.join(";"),
        tables?.join(";"),
        unredacted === undefined ? "" : String(unredacted),
        Object.keys(rest).length ? JSON.stringify(rest) : "",
        e.prev_hash,
        e.hash,
      ]
        .map(csvField)
        .join(","),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

const dicom = "http://dicom.nema.org/resources/ontology/DCM";
const eventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
const restful = "http://hl7.org/fhir/restful-interaction";

/** The FHIR R4 AuditEvent type and subtype codes for each kind of event. */
function typeOf(e: AuditEvent): { type: object; subtype: object[]; action: string } {
  switch (e.kind) {
    case "read":
      return {
        type: { system: eventType, code: "rest", display: "RESTful Operation" },
        subtype: [{ system: restful, code: "search", display: "search" }],
        action: "R",
      };
    case "sign-in":
    case "sign-in-failed":
      return {
        type: { system: dicom, code: "110114", display: "User Authentication" },
        subtype: [{ system: dicom, code: "110122", display: "Login" }],
        action: "E",
      };
    case "sign-out":
      return {
        type: { system: dicom, code: "110114", display: "User Authentication" },
        subtype: [{ system: dicom, code: "110123", display: "Logout" }],
        action: "E",
      };
    default:
      return {
        type: { system: dicom, code: "110136", display: "Security Roles Changed" },
        subtype: [],
        action: "U",
      };
  }
}

/** Events as a FHIR R4 Bundle (type collection) of AuditEvent resources. */
export function auditFhirBundle(events: readonly AuditEvent[]): object {
  return {
    resourceType: "Bundle",
    type: "collection",
    entry: events.map((e) => {
      const { type, subtype, action } = typeOf(e);
      return {
        fullUrl: `urn:ebi-insight:audit:${e.hash}`,
        resource: {
          resourceType: "AuditEvent",
          id: String(e.seq),
          type,
          ...(subtype.length ? { subtype } : {}),
          action,
          recorded: e.at,
          outcome: e.kind === "sign-in-failed" ? "4" : "0",
          ...(e.detail.reason ? { outcomeDesc: e.detail.reason } : {}),
          agent: [
            {
              who: {
                identifier: {
                  system: "urn:ebi-insight:user",
                  value: e.actor ?? e.detail.username ?? "unknown",
                },
              },
              ...(e.detail.username ? { name: e.detail.username } : {}),
              requestor: true,
            },
          ],
          source: {
            observer: { display: "EBI Insight" },
            type: [
              {
                system: "http://terminology.hl7.org/CodeSystem/security-source-type",
                code: "4",
                display: "Application Server",
              },
            ],
          },
          entity: [
            ...(e.detail.organisations ?? []).map((org) => ({
              what: { identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: org } },
              description: `registered figures from ${(e.detail.tables ?? []).join(", ") || "the release"}${e.detail.unredacted ? " (unredacted)" : ""}`,
            })),
            ...(e.detail.route
              ? [
                  {
                    what: { display: e.detail.route },
                    type: {
                      system: "http://terminology.hl7.org/CodeSystem/audit-entity-type",
                      code: "2",
                      display: "System Object",
                    },
                  },
                ]
              : []),
            {
              what: { identifier: { system: "urn:ebi-insight:audit-hash", value: e.hash } },
              detail: [{ type: "prev_hash", valueString: e.prev_hash }],
            },
          ],
        },
      };
    }),
  };
}

/** One line of the "who saw our figures" report: a user's registered reads of one organisation in a month. */
export interface WhoSawRow {
  month: string;
  org_code: string;
  actor: string;
  username: string;
  reads: number;
  unredacted_reads: number;
  first: string;
  last: string;
  routes: string[];
}

/** Per organisation, per month (UTC), who read its registered figures, how often and through what. */
export function whoSaw(events: readonly AuditEvent[], orgCode?: string): WhoSawRow[] {
  const rows = new Map<string, WhoSawRow>();
  for (const e of events) {
    if (e.kind !== "read") continue;
    for (const org of e.detail.organisations ?? []) {
      if (orgCode && org !== orgCode) continue;
      const month = e.at.slice(0, 7);
      const key = `${org}|${month}|${e.actor}`;
      const row = rows.get(key) ?? {
        month,
        org_code: org,
        actor: e.actor ?? "",
        username: e.detail.username ?? "",
        reads: 0,
        unredacted_reads: 0,
        first: e.at,
        last: e.at,
        routes: [],
      };
      row.reads += 1;
      if (e.detail.unredacted) row.unredacted_reads += 1;
      row.last = e.at;
      if (e.detail.route && !row.routes.includes(e.detail.route) && row.routes.length < 20)
        row.routes.push(e.detail.route);
      rows.set(key, row);
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.org_code.localeCompare(b.org_code) ||
      a.month.localeCompare(b.month) ||
      a.username.localeCompare(b.username),
  );
}
