import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { type ErrorCode, errorCodes, isEbiError } from "../errors/index.ts";

/** An RFC 9457 problem details body, with the catalogue's stable `code` (docs/errors.md). */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance: string;
  parameter?: string;
}

interface ValidationItem {
  instancePath?: string;
  params?: { missingProperty?: string; allowedValue?: unknown; additionalProperty?: string };
  message?: string;
}

/** Fastify's own error codes, as the catalogue's. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_BAD_URL: "EBI_BAD_URL",
  FST_ERR_MAX_PARAM_LENGTH: "EBI_URL_TOO_LONG",
  FST_ERR_ASYNC_CONSTRAINT: "EBI_BAD_REQUEST",
};

const statusCodes: Record<number, ErrorCode> = {
  400: "EBI_BAD_REQUEST",
  404: "EBI_NOT_FOUND",
  414: "EBI_URL_TOO_LONG",
  429: "EBI_RATE_LIMITED",
  431: "EBI_HEADERS_TOO_LARGE",
};

/** A problem for a catalogue code: title from the catalogue, status from it unless given. */
export function problemFor(
  code: ErrorCode,
  detail: string,
  instance: string,
  extra: { status?: number; parameter?: string } = {},
): ProblemBody {
  const status = extra.status ?? errorCodes[code].status;
  return {
    type: `https://ebi-insight.example/errors/${code}`,
    title: errorCodes[code].title,
    status,
    code,
    detail,
    instance,
    ...(extra.parameter ? { parameter: extra.parameter } : {}),
  };
}

/**
 * The problem for anything a route or Fastify throws: schema validation (EBI_INVALID_ARGUMENT
 * naming the parameter), an `EbiError` (its own code), Fastify's client errors (their catalogue
 * codes), and anything else as EBI_INTERNAL without its message. `internal` is true for the last.
 */
export function problemOf(error: unknown, instance: string): { problem: ProblemBody; internal: boolean } {
  const validation = (error as { validation?: ValidationItem[] }).validation;
  if (validation) {
    const first = validation[0];
    const parameter =
      first?.params?.missingProperty ?? (first?.instancePath?.replace(/^\//, "") || undefined);
    // A choice (a union of literals) fails once per literal: name them all instead.
    const allowed = validation
      .filter((v) => v.instancePath === first?.instancePath && v.params?.allowedValue !== undefined)
      .map((v) => String(v.params?.allowedValue));
    const message = allowed.length > 1 ? `must be one of ${allowed.join(", ")}` : first?.message;
    const detail = `${parameter ? `Parameter \`${parameter}\`: ` : ""}${message ?? (error as Error).message}`;
    const problem = problemFor("EBI_INVALID_ARGUMENT", detail, instance, { parameter });
    return { problem: { ...problem, title: "Invalid parameter" }, internal: false };
  }
  if (isEbiError(error)) {
    const named = (error.details as { parameter?: unknown } | undefined)?.parameter;
    return {
      problem: problemFor(error.code, error.message, instance, {
        parameter: typeof named === "string" ? named : undefined,
      }),
      internal: false,
    };
  }
  const fastifyCode = fastifyCodes[(error as { code?: string }).code ?? ""];
  const status = (error as { statusCode?: number }).statusCode;
  if (fastifyCode || (status && status >= 400 && status < 500)) {
    const code = fastifyCode ?? statusCodes[status ?? 400] ?? "EBI_BAD_REQUEST";
    return {
      problem: problemFor(code, (error as Error).message, instance, { status: status ?? undefined }),
      internal: false,
    };
  }
  return {
    problem: problemFor("EBI_INTERNAL", "Something went wrong; it has been logged.", instance),
    internal: true,
  };
}

/**
 * Answers errors Node's HTTP parser raises before Fastify sees a request (headers or request line
 * over 16 kB, a malformed request) with problem+json, as every other error is answered.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const [status, code, detail]: [number, ErrorCode, string] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "EBI_HEADERS_TOO_LARGE", "The request line and headers exceed 16 kB."]
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "EBI_BAD_REQUEST", "The request was not received in time."]
        : [400, "EBI_BAD_REQUEST", "The request is not valid HTTP."];
  const body = JSON.stringify(problemFor(code, detail, "", { status }));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/** The query parameters that arrived as numbers but are not finite (`Infinity`, `1e309`, `-Infinity`). */
export function nonFiniteParameter(query: unknown): string | null {
  if (!query || typeof query !== "object") return null;
  for (const [name, value] of Object.entries(query as Record<string, unknown>))
    if (typeof value === "number" && !Number.isFinite(value)) return name;
  return null;
}
