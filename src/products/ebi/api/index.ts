import type { FastifyInstance } from "fastify";
import { activityRoutes } from "./activity.ts";
import { areaRoutes } from "./areas.ts";
import { equityRoutes } from "./equity.ts";
import { funnelRoutes } from "./funnel.ts";
import { goalRoutes } from "./goals.ts";
import { interventionRoutes } from "./interventions.ts";
import { organisationRoutes } from "./organisations.ts";
import { spcRoutes } from "./spc.ts";
import { tableRoutes } from "./tables.ts";

/** EBI's JSON/CSV/XLSX API over the release each request may read (`request.release`): `/api/v1/…`. */
export function registerApiRoutes(app: FastifyInstance): void {
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
