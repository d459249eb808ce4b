import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../../src/errors/index.ts";
import { buildApp } from "../../src/products/buildApp.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  const { releasesDir } = await writeReleaseFixture();
  app = await buildApp({ release: await readRelease(releasesDir) });
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
});
afterAll(() => app?.close());

const problem = async (url: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${url}`, init);
  expect(response.headers.get("content-type"), url).toContain("application/problem+json");
  const body = await response.json();
  expect(Object.keys(errorCodes), url).toContain(body.code);
  expect(body.status, url).toBe(response.status);
  return body;
};

describe("problem+json answers", () => {
  it("refuses non-finite numbers with 400 naming the parameter, not 500", async () => {
    for (const value of ["Infinity", "1e309", "-Infinity", "-1e400"]) {
      const body = await problem(`/api/v1/organisations?limit=${value}`);
      expect(body, value).toMatchObject({ status: 400, code: "EBI_INVALID_ARGUMENT", parameter: "limit" });
    }
    const offset = await problem(`/api/v1/activity?intervention=${fixture.knee}&offset=Infinity`);
    expect(offset).toMatchObject({ status: 400, parameter: "offset" });
  });

  it("answers a URL that cannot be decoded and an over-long path segment as problems", async () => {
    expect(await problem("/api/v1/organisations/%E0%A4%A")).toMatchObject({
      status: 400,
      code: "EBI_BAD_URL",
    });
    expect(await problem(`/api/v1/organisations/${"A".repeat(200)}`)).toMatchObject({
      status: 414,
      code: "EBI_URL_TOO_LONG",
    });
  });

  it("answers headers or a request line over 16 kB with 431 problem+json", async () => {
    const long = await problem(`/api/v1/organisations?q=${"a".repeat(20_000)}`);
    expect(long).toMatchObject({ status: 431, code: "EBI_HEADERS_TOO_LARGE" });
    const header = await problem("/api/v1/organisations", { headers: { "x-big": "a".repeat(20_000) } });
    expect(header.code).toBe("EBI_HEADERS_TOO_LARGE");
  });

  it("carries the stable code on validation, not-found and domain errors", async () => {
    expect(await problem("/api/v1/organisations?level=planet")).toMatchObject({
      code: "EBI_INVALID_ARGUMENT",
    });
    expect(await problem("/api/v1/interventions/test-set/none")).toMatchObject({ code: "EBI_NOT_FOUND" });
    expect(await problem("/api/v1/no-such-route")).toMatchObject({ status: 404, code: "EBI_NOT_FOUND" });
    expect(await problem(`/api/v1/activity?intervention=${fixture.knee}&org=ZZZ`)).toMatchObject({
      code: "EBI_NOT_FOUND",
      parameter: "org",
    });
  });
});
