import type { FastifyInstance } from "fastify";
import { type AppOptions, buildServer } from "../server/app.ts";
import { scopedRelease } from "./ebi/access/scopedRelease.ts";
import { products, service } from "./productList.ts";

/** Loads every product's route and page modules, so `ebi serve` can start them while the release is read. */
export function loadPages(): Promise<unknown> {
  return Promise.all(products.map((p) => p.loadRoutes()));
}

/** The service with every product of the list: NHS.UK-styled pages and the /api/v1 API. */
export function buildApp(
  options: Omit<AppOptions, "products" | "service" | "scopeRelease">,
): Promise<FastifyInstance> {
  // The service serves EBI's release, so EBI scopes it to a signed-in user.
  return buildServer({ ...options, products, service, scopeRelease: scopedRelease });
}
