import { brotliDecompressSync, gunzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../src/products/buildApp.ts";
import { type LoadedRelease, readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { fixture, writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

let app: FastifyInstance;
let release: LoadedRelease;

beforeAll(async () => {
  const { releasesDir } = await writeReleaseFixture();
  release = await readRelease(releasesDir);
  app = await buildApp({ release });
});
afterAll(() => app?.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: "GET", url, headers });

describe("answers kept per release and selection", () => {
  it("sends the same bytes again, compressed as the client asks, without changing the figures", async () => {
    const url = `/api/v1/activity?intervention=${fixture.knee}&org=ENG`;
    const first = await get(url);
    const again = await get(url);
    expect(again.body).toBe(first.body);
    const gzip = await get(url, { "accept-encoding": "gzip" });
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzip.rawPayload).toString("utf8")).toBe(first.body);
    expect(gzip.headers.vary).toContain("accept-encoding");
    // A different selection is a different answer.
    const other = await get(`/api/v1/activity?intervention=${fixture.grommets}&org=ENG`);
    expect(other.body).not.toBe(first.body);
    // The kept JSON is what the route's schema makes: items and the envelope, nothing else.
    expect(Object.keys(first.json()).sort()).toEqual(
      ["release", "redaction", "total", "limit", "offset", "links", "items"].sort(),
    );
  });

  it("keeps CSV and JSON of one URL apart, and still answers 304 to a client holding it", async () => {
    const url = `/api/v1/baselines?intervention=${fixture.knee}`;
    const asJson = await get(url);
    const asCsv = await get(url, { accept: "text/csv" });
    expect(asCsv.headers["content-type"]).toContain("text/csv");
    expect(asCsv.body).not.toBe(asJson.body);
    expect((await get(url)).headers["content-type"]).toContain("application/json");
    const etag = String(asJson.headers.etag);
    expect((await get(url, { "if-none-match": etag })).statusCode).toBe(304);
  });

  it("keeps one organisation's answer, made once per release and URL", async () => {
    const url = "/api/v1/organisations/I1";
    const first = await get(url, { "accept-encoding": "gzip" });
    expect(first.headers["content-encoding"]).toBe("gzip");
    const body = JSON.parse(gunzipSync(first.rawPayload).toString("utf8"));
    expect(body.children.map((c: { org_code: string }) => c.org_code)).toEqual(["S1", "S2"]);
    // Were the answer made again it would now list no children: the kept bytes are sent instead.
    const children = release.childrenOf.get("I1");
    release.childrenOf.set("I1", []);
    try {
      const again = await get(url);
      expect(again.json().children).toHaveLength(2);
      expect((await get(url, { "if-none-match": String(first.headers.etag) })).statusCode).toBe(304);
      expect((await get("/api/v1/organisations/I1?level=icb")).json().children).toEqual([]);
    } finally {
      if (children) release.childrenOf.set("I1", children);
    }
  });

  it("compresses the stylesheets and scripts with Brotli and lets browsers cache them", async () => {
    for (const path of [
      "/static/nhsuk-frontend.css",
      "/static/ebi.css",
      "/static/ebi.js",
      "/static/nhsuk-frontend.js",
    ]) {
      const plain = await get(path);
      const br = await get(path, { "accept-encoding": "br, gzip" });
      expect(br.headers["content-encoding"], path).toBe("br");
      expect(brotliDecompressSync(br.rawPayload).toString("utf8"), path).toBe(plain.body);
      expect(br.rawPayload.length, path).toBeLessThan(plain.rawPayload.length);
      expect(br.headers["cache-control"], path).toBe("public, max-age=86400");
      expect((await get(path, { "if-none-match": String(br.headers.etag) })).statusCode, path).toBe(304);
    }
  });

  it("answers a missing page and an unknown organisation with a styled page that keeps the navigation", async () => {
    for (const url of ["/no-such-page", `/interventions/${fixture.knee}?org=Nowhere`]) {
      const page = await get(url, { accept: "text/html" });
      expect(page.statusCode, url).toBe(404);
      expect(page.body, url).toContain("nhsuk-header__navigation");
      expect(page.body, url).toContain('href="/downloads"');
      expect(page.body, url).toContain("EBI_NOT_FOUND");
    }
    const api = await get("/api/v1/no-such-route");
    expect(api.headers["content-type"]).toContain("application/problem+json");
  });
});
