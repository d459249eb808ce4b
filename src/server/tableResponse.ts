import type { FastifyReply, FastifyRequest } from "fastify";
import type { ReadSnapshot } from "../access/readTracker.ts";
import { policyStatement } from "../disclosure/policy.ts";
import type { ServedRelease } from "../release/servedRelease.ts";
import { type EncodedBytes, encodeBytes, sendEncoded } from "./encodedBytes.ts";
import { paginate } from "./pagination.ts";
import { cacheControl, viewTag } from "./plugins/requestSide.ts";
import type { ServiceIdentity } from "./servedProduct.ts";

/** The marker a redacted figure carries in CSV and spreadsheets (never 0). */
export const REDACTED = "[c]";
/** What every registered download says of itself: it holds figures the public side hides. */
export const registeredMarking = "registered: not for publication";

/** The redaction note of a release, naming the disclosure policy it was built under. */
export function redactionNoteOf(manifest: ServedRelease["manifest"]): string {
  const d = manifest.disclosure;
  const name = d.policy_name ? `${d.policy_name}: ` : "";
  return `[c] = hidden (${name}${policyStatement(d)}; NHS disclosure control).`;
}

export type TableFormat = "json" | "csv" | "xlsx";

/** The format asked for: a `.csv`/`.xlsx` suffix first, then the Accept header; JSON by default. */
export function requestedFormat(request: FastifyRequest): TableFormat {
  const path = (request.originalUrl ?? request.url).split("?")[0] ?? "";
  if (path.endsWith(".csv")) return "csv";
  if (path.endsWith(".xlsx")) return "xlsx";
  const accept = request.headers.accept ?? "";
  if (accept.includes("text/csv")) return "csv";
  if (accept.includes("spreadsheetml")) return "xlsx";
  return "json";
}

const cell = (row: Record<string, unknown>, column: string): string | number | boolean => {
  const value = row[column];
  if (value === null || value === undefined) return row.suppressed ? REDACTED : "";
  if (Array.isArray(value)) return value.join(";");
  return value as string | number | boolean;
};

const csvField = (value: string | number | boolean) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

/** Rows as CSV text: a header row of column names, redacted figures as [c]. */
export function toCsv(rows: readonly object[], columns: readonly string[]): string {
  const lines = [columns.join(",")];
  for (const row of rows)
    lines.push(columns.map((c) => csvField(cell(row as Record<string, unknown>, c))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

/** Rows as an .xlsx workbook: a data sheet and a notes sheet naming the release, source and redaction. */
export async function toXlsx(
  rows: readonly object[],
  columns: readonly string[],
  release: ServedRelease,
  title: string,
  service: Pick<ServiceIdentity, "name" | "releaseSource" | "countingUnit">,
  marking?: string,
): Promise<Buffer> {
  // Loaded on first use: the spreadsheet library is large and most requests never need it.
  const { default: ExcelJS } = await import("exceljs");
  const workbook = new ExcelJS.Workbook();
  workbook.creator = service.name;
  // A worksheet holds at most 1,048,576 rows: a longer table continues on "data 2", "data 3" ….
  const perSheet = 1_000_000;
  for (let start = 0, n = 1; start === 0 || start < rows.length; start += perSheet, n++) {
    const sheet = workbook.addWorksheet(n === 1 ? "data" : `data ${n}`);
    if (marking) sheet.addRow([marking]).font = { bold: true, color: { argb: "FFC00000" } };
    sheet.addRow([...columns]).font = { bold: true };
    for (const row of rows.slice(start, start + perSheet))
      sheet.addRow(columns.map((c) => cell(row as Record<string, unknown>, c)));
    sheet.views = [{ state: "frozen", ySplit: marking ? 2 : 1 }];
  }
  const notes = workbook.addWorksheet("notes");
  if (marking) notes.addRow(["Classification", marking]);
  notes.addRows([
    ["Table", title],
    ["Release", release.id],
    ["Built", release.manifest.built_at],
    ["Rule sets", release.manifest.rule_sets.map((s) => `${s.id} ${s.version}`).join(", ")],
    [
      "Counting unit",
      release.manifest.counting_unit?.definition ?? `${service.countingUnit}s (not recorded by this release)`,
    ],
    ["Data period", `${release.manifest.periods.data_start} to ${release.manifest.periods.data_end}`],
    ["Source", `${service.name} public release: ${service.releaseSource}.`],
    ["Redaction", redactionNoteOf(release.manifest)],
    ...(release.manifest.synthetic
      ? [["Synthetic", "These figures are made from synthetic demonstration data, not real activity."]]
      : []),
  ]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** True when an If-None-Match header (a list, weak or strong, or *) names `etag`. */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

/** Sets the release's caching headers; true when the client already holds this representation. */
export function notModified(
  request: FastifyRequest,
  reply: FastifyReply,
  release: ServedRelease,
  format: TableFormat = "json",
): boolean {
  const view = viewTag(request);
  const etag = `W/"${release.id}${view === "public" ? "" : `-${view}`}-${format}"`;
  reply
    .header("etag", etag)
    .header("cache-control", cacheControl(request))
    .header("vary", "accept")
    .header("ebi-release", release.id);
  return etagMatches(request.headers["if-none-match"], etag);
}

/** JSON pages hold at most this many rows unless `limit` says otherwise; downloads hold all. */
export const defaultJsonLimit = 1000;

/** A table answer as it is sent: its type, its own headers and its bytes, encoded once. */
export interface KeptAnswer {
  type: string;
  headers: Record<string, string>;
  bytes: EncodedBytes;
  /** For a registered answer, what making it read: noted again for each request it is sent to. */
  reads?: ReadSnapshot;
}

/**
 * Answers by release, then by format and URL: a release never changes, so neither do they. A
 * registered request reads its scope's view of the release (one object per scope, see
 * `releasePlugin`), so its answers are kept per scope, never shared with another scope or the public.
 */
const kept = new WeakMap<ServedRelease, Map<string, KeptAnswer>>();
const keptLimit = 20_000;
/** A scope's view keeps fewer: there may be up to 200 views at once. */
const keptRegisteredLimit = 2_000;
const keyOf = (request: FastifyRequest) =>
  `${requestedFormat(request)}|${request.originalUrl ?? request.url}`;
/**
 * Public answers are kept for everyone; registered ones for their scope's view, with the reads made
 * in answering, so each request sent a kept registered answer is audited as if it had made it.
 */
const keepable = (request: FastifyRequest) =>
  request.side === "public" || (request.side === "registered" && request.reads !== null);

/** The kept answer for this request, if there is one. */
export function keptAnswer(request: FastifyRequest): KeptAnswer | undefined {
  if (!keepable(request)) return undefined;
  return kept.get(request.release)?.get(keyOf(request));
}

/** Sends a kept answer, or 304 when the client holds it. */
export function sendKept(request: FastifyRequest, reply: FastifyReply, answer: KeptAnswer): FastifyReply {
  if (notModified(request, reply, request.release, requestedFormat(request))) return reply.code(304).send();
  if (answer.reads) request.reads?.absorb(answer.reads);
  reply.type(answer.type);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  return sendEncoded(request, reply, answer.bytes);
}

function keep(request: FastifyRequest, answer: KeptAnswer): void {
  if (!keepable(request)) return;
  let byUrl = kept.get(request.release);
  if (!byUrl) {
    byUrl = new Map();
    kept.set(request.release, byUrl);
  }
  if (byUrl.size >= (request.side === "registered" ? keptRegisteredLimit : keptLimit)) return;
  byUrl.set(
    keyOf(request),
    request.side === "registered" ? { ...answer, reads: request.reads?.snapshot() } : answer,
  );
}

/**
 * Sends rows in the format asked for, with an ETag of the release and representation (304 when the
 * client has it); pages JSON lists when `paging` is given. The answer is serialised (by the route's
 * own response schema) and compressed once, and kept for the release when it is public.
 */
export async function sendTable(
  request: FastifyRequest,
  reply: FastifyReply,
  release: ServedRelease,
  input: {
    name: string;
    columns: readonly string[];
    rows: readonly object[];
    body?: Record<string, unknown>;
    paging?: { limit?: number; offset: number };
  },
): Promise<unknown> {
  const format = requestedFormat(request);
  if (notModified(request, reply, release, format)) return reply.code(304).send();
  const marking = request.side === "registered" ? registeredMarking : undefined;
  const { items, page } = input.paging
    ? paginate(input.rows, request, input.paging, format === "json" ? defaultJsonLimit : null)
    : { items: input.rows, page: null };
  const headers: Record<string, string> = marking ? { "ebi-classification": marking } : {};
  let answer: KeptAnswer;
  if (format === "csv") {
    const csv = toCsv(items, input.columns);
    answer = {
      type: "text/csv; charset=utf-8",
      headers: {
        ...headers,
        "content-disposition": `attachment; filename="${input.name}.csv"`,
        "ebi-notes": redactionNoteOf(release.manifest),
      },
      bytes: encodeBytes(marking ? `${marking}\r\n${csv}` : csv),
    };
  } else if (format === "xlsx") {
    const plain = await toXlsx(items, input.columns, release, input.name, request.server.service, marking);
    answer = {
      type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      headers: { ...headers, "content-disposition": `attachment; filename="${input.name}.xlsx"` },
      // A workbook is a zip already: compressing it again gains nothing.
      bytes: { plain, gzip: plain, br: null },
    };
  } else {
    const body = {
      release: release.id,
      redaction: marking
        ? `${marking}. ${redactionNoteOf(release.manifest)}`
        : redactionNoteOf(release.manifest),
      ...(page ?? {}),
      ...(input.body ?? {}),
      items,
    };
    answer = {
      type: "application/json; charset=utf-8",
      headers,
      bytes: encodeBytes(reply.serialize(body) as string),
    };
  }
  if (release === request.release) keep(request, answer);
  reply.type(answer.type);
  for (const [name, value] of Object.entries(answer.headers)) reply.header(name, value);
  return answer.type.startsWith("application/vnd")
    ? reply.send(answer.bytes.plain)
    : sendEncoded(request, reply, answer.bytes);
}

/**
 * Sends one JSON answer (not a table) serialised by the route's response schema and compressed
 * once, kept for the release and URL when it is public, like the tables; 304 when the client has it.
 */
export function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  release: ServedRelease,
  body: object,
): FastifyReply {
  if (notModified(request, reply, release)) return reply.code(304).send();
  const answer: KeptAnswer = {
    type: "application/json; charset=utf-8",
    headers: {},
    bytes: encodeBytes(reply.serialize(body) as string),
  };
  keep(request, answer);
  reply.type(answer.type);
  return sendEncoded(request, reply, answer.bytes);
}
