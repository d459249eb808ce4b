import type { FastifyInstance } from "fastify";
import type { SiteLink } from "../web/renderer.ts";
import type { RegisteredAccess } from "./registeredAccess.ts";

/** What a product's routes and pages are given when the service registers them. */
export interface ServeContext {
  /** Sign-in, the registered side and the audit log; absent when the service is public only. */
  access?: RegisteredAccess;
}

/** Registers a product's API routes and pages on the service. */
export type ProductRoutes = (app: FastifyInstance, context: ServeContext) => Promise<void>;

/** The part of a product the server needs: its navigation and a loader for its routes and pages. */
export interface ServedProduct {
  id: string;
  /** Its links in the service's header. */
  navigation: readonly SiteLink[];
  /** The folder of its page templates, searched before the shared ones. */
  templates?: string;
  /**
   * Loads its route and page modules (templates and charts take a while, so `ebi serve` starts this
   * while DuckDB reads the release) and returns their registration.
   */
  loadRoutes(): Promise<ProductRoutes>;
}

/** The service's own name and what its API serves, from the service's configuration. */
export interface ServiceIdentity {
  /** Shown in every page's header, title and footer, and in downloads. */
  name: string;
  /** What the API's figures are, at the start of its description ("… figures"). */
  apiSubject: string;
  /** What a release's figures are made from, for the notes sheet of every download. */
  releaseSource: string;
  /** The thing a release counts when its manifest does not say (releases built before it did). */
  countingUnit: string;
}
