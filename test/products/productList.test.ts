import type { FastifyInstance } from "fastify";
import { parseHTML } from "linkedom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allCommandLoaders } from "../../src/cli/commands.ts";
import { describeProducts } from "../../src/products/describeProducts.ts";
import { buildStages } from "../../src/products/ebi/buildStages.ts";
import { readRelease } from "../../src/products/ebi/release/readRelease.ts";
import { releaseTables } from "../../src/products/ebi/release/tables.ts";
import { plannedCareStages } from "../../src/products/planned-care/buildPlannedCare.ts";
import { productCommands } from "../../src/products/productCommands.ts";
import { products, service } from "../../src/products/productList.ts";
import { measureStages } from "../../src/products/talking-therapies/measureStages.ts";
import { buildServer } from "../../src/server/app.ts";
import type { ServedProduct } from "../../src/server/servedProduct.ts";
import { writeReleaseFixture } from "../fixtures/release/releaseFixture.ts";

describe("the product list", () => {
  it("names each product once, with header links and keys no other product uses", () => {
    const ids = products.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(["ebi", "talking-therapies", "planned-care"]);
    const links = products.flatMap((p) => p.navigation);
    expect(new Set(links.map((l) => l.href)).size).toBe(links.length);
    expect(new Set(links.map((l) => l.key)).size).toBe(links.length);
  });

  it("describes each product from its declaration for `ebi products`", () => {
    const text = describeProducts(products);
    expect(text).toContain("ebi: Evidence-Based Interventions.");
    expect(text).toContain("  stages:   data period, classify, spells");
    expect(text).toContain("  commands: ebi talking-therapies");
    expect(text).toContain("  pages:    Planned care (/planned-care)");
    expect(describeProducts([{ ...products[0], stages: [] } as (typeof products)[number]])).toContain(
      "  stages:   (none declared)",
    );
  });

  it("offers only commands the CLI registers", async () => {
    const commandLoaders = await allCommandLoaders();
    for (const product of products)
      for (const command of product.commands)
        expect(Object.keys(commandLoaders), product.id).toContain(command);
  });

  it("finds every listed product's commands in the light command modules the CLI reads", () => {
    expect(productCommands.map((c) => c.product)).toEqual(products.map((p) => p.id));
    for (const product of products)
      expect(Object.keys(productCommands.find((c) => c.product === product.id)?.loaders ?? {})).toEqual([
        ...product.commands,
      ]);
  });

  it("declares each product's build as the stages it runs", () => {
    const ids = Object.fromEntries(products.map((p) => [p.id, p.stages.map((s) => s.name)]));
    expect(ids["talking-therapies"]).toEqual(measureStages.map((s) => s.name));
    expect(ids["planned-care"]).toEqual(plannedCareStages.map((s) => s.name));
    for (const product of products) expect(product.stages.length, product.id).toBeGreaterThan(2);
  });

  it("declares EBI's build as the stages the build runs, its inputs and its release tables", () => {
    const ebi = products.find((p) => p.id === "ebi");
    expect(ebi?.stages.map((s) => s.name)).toEqual(buildStages.map((s) => s.name));
    expect(ebi?.tables.map((t) => t.name)).toEqual([...releaseTables]);
    expect(ebi?.inputs.map((i) => i.name)).toEqual(["apc_episodes", "op_appointments", "approvals"]);
  });
});

describe("a service built from a product list", () => {
  let app: FastifyInstance;
  let base: string;
  // A product of the test's own: the server learns its routes and header link from its declaration alone.
  const extra: ServedProduct = {
    id: "extra",
    navigation: [{ href: "/extra", text: "Extra figures", key: "extra" }],
    async loadRoutes() {
      return async (server) => {
        server.get("/extra", async (_request, reply) => reply.type("text/plain").send("extra"));
      };
    },
  };

  beforeAll(async () => {
    const { releasesDir } = await writeReleaseFixture();
    app = await buildServer({
      release: await readRelease(releasesDir),
      products: [...products, extra],
      service: {
        name: "Test Insight",
        apiSubject: "Test figures",
        releaseSource: "test activity",
        countingUnit: "visit",
      },
      rateLimit: 0,
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterAll(() => app?.close());

  it("registers every product's routes and shows every product's links, about links last", async () => {
    expect(await (await fetch(`${base}/extra`)).text()).toBe("extra");
    const page = await (await fetch(`${base}/methods`)).text();
    const { document } = parseHTML(page);
    const header = Array.from(document.querySelectorAll("header nav a")).map((a) => a.textContent?.trim());
    expect(header).toEqual([
      "England overview",
      "Areas",
      "Equity",
      "Talking therapies",
      "Planned care",
      "Extra figures",
      "Methods",
      "Data quality",
      "Downloads",
    ]);
    expect(document.querySelector("title")?.textContent).toContain("– Test Insight");
    expect(page).not.toContain("EBI Insight");
  });

  it("marks the current page's link and names the service in the API and error pages", async () => {
    const { document } = parseHTML(await (await fetch(`${base}/methods`)).text());
    const current = Array.from(
      document.querySelectorAll(
        "header nav [aria-current], header nav .nhsuk-header__navigation-item--current",
      ),
    );
    expect(current.map((e) => e.textContent?.trim()).join(" ")).toContain("Methods");
    const doc = (await (await fetch(`${base}/api/docs/json`)).json()) as {
      info: { title: string; description: string };
    };
    expect(doc.info.title).toBe("Test Insight API");
    expect(doc.info.description.startsWith("Test figures from the published release")).toBe(true);
    const missing = await (await fetch(`${base}/no-such-page`, { headers: { accept: "text/html" } })).text();
    expect(missing).toContain("Test Insight");
    expect(missing).toContain("Extra figures");
  });

  it("names the service and its source in every download's notes sheet", async () => {
    const { default: ExcelJS } = await import("exceljs");
    const response = await fetch(`${base}/api/v1/tables/organisations.xlsx`);
    expect(response.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as never);
    expect(workbook.creator).toBe("Test Insight");
    const notes: string[] = [];
    workbook.getWorksheet("notes")?.eachRow((row) => notes.push(String(row.getCell(2).value)));
    expect(notes).toContain("Test Insight public release: test activity.");
  });

  it("keeps the configured name the one the shipped service uses", () => {
    expect(service.name).toBe(process.env.EBI_SERVICE_NAME ?? "EBI Insight");
  });
});
