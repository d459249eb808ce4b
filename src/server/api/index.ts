import type { FastifyInstance } from "fastify";
import type { LoadedRelease } from "../../release/readRelease.ts";
import { activityRoutes } from "./activity.ts";
import { equityRoutes } from "./equity.ts";
import { goalRoutes } from "./goals.ts";
import { interventionRoutes } from "./interventions.ts";
import { organisationRoutes } from "./organisations.ts";
import { releaseRoutes } from "./release.ts";
import { spcRoutes } from "./spc.ts";

/** The JSON/CSV/XLSX API over the served release's public tables: `/api/v1/…`. */
export function registerApiRoutes(app: FastifyInstance, release: LoadedRelease): void {
  releaseRoutes(app, release);
  interventionRoutes(app, release);
  organisationRoutes(app, release);
  activityRoutes(app, release);
  goalRoutes(app, release);
  spcRoutes(app, release);
  equityRoutes(app, release);
}
