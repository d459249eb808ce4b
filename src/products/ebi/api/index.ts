import type { FastifyInstance } from "fastify";
import { releaseRoutes } from "../../../server/api/release.ts";
import { activityRoutes } from "./activity.ts";
import { areaRoutes } from "./areas.ts";
import { equityRoutes } from "./equity.ts";
import { funnelRoutes } from "./funnel.ts";
import { goalRoutes } from "./goals.ts";
import { interventionRoutes } from "./interventions.ts";
import { organisationRoutes } from "./organisations.ts";
import { spcRoutes } from "./spc.ts";
import { tableRoutes } from "./tables.ts";

/** The JSON/CSV/XLSX API over the release each request may read (`request.release`): `/api/v1/…`. */
export function registerApiRoutes(app: FastifyInstance): void {
  releaseRoutes(app);
  interventionRoutes(app);
  organisationRoutes(app);
  activityRoutes(app);
  goalRoutes(app);
  spcRoutes(app);
  equityRoutes(app);
  areaRoutes(app);
  funnelRoutes(app);
  tableRoutes(app);
}
