import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EbiError } from "../../../errors/index.ts";
import { parsePeriodGrain } from "../../../periods/period.ts";
import { encodeBytes, sendEncoded } from "../../../server/encodedBytes.ts";
import { cacheControl } from "../../../server/plugins/requestSide.ts";
import { etagMatches } from "../../../server/tableResponse.ts";
import { standaloneSvg, svgToPng } from "../../../web/charts/chartImage.ts";
import { getIntervention } from "../queries/interventions.ts";
import { findOrganisation } from "../queries/organisations.ts";
import { spcSeries } from "../queries/spc.ts";
import { funnelPicture } from "./funnelPicture.ts";
import { perGrain, spcView } from "./spcView.ts";

type ChartQuery = { intervention?: string; org?: string; period?: string };

/**
 * Each chart as an image file: `/charts/spc.svg|png` (the control chart of an intervention for an
 * organisation, at a period) and `/charts/funnel.svg|png` (sub-ICB rates, the organisation ringed).
 * Public images are made once per URL.
 */
export function chartRoutes(app: FastifyInstance): void {
  const kept = new Map<string, { type: string; bytes: ReturnType<typeof encodeBytes> }>();
  const send = async (
    request: FastifyRequest<{ Querystring: ChartQuery }>,
    reply: FastifyReply,
    kind: "spc" | "funnel",
    format: "svg" | "png",
    make: () => string,
  ) => {
    const { release } = request;
    const etag = `W/"${release.id}-${request.side}-${format}"`;
    reply.header("cache-control", cacheControl(request)).header("etag", etag);
    if (etagMatches(request.headers["if-none-match"], etag)) return reply.code(304).send();
    const cacheable = request.side === "public" && !request.principal;
    const key = `${release.id}|${request.url}`;
    let entry = cacheable ? kept.get(key) : undefined;
    if (!entry) {
      const svg = make();
      if (format === "svg") entry = { type: "image/svg+xml; charset=utf-8", bytes: encodeBytes(svg) };
      else {
        // A PNG is compressed already.
        const png = await svgToPng(svg);
        entry = { type: "image/png", bytes: { plain: png, gzip: png, br: null } };
      }
      if (cacheable && kept.size < 2000) kept.set(key, entry);
    }
    const name = [
      kind,
      request.query.intervention ?? "",
      request.query.org || "ENG",
      request.query.period ?? "",
    ]
      .filter(Boolean)
      .join("-")
      .replace(/[^a-z0-9-]+/gi, "-");
    reply.type(entry.type).header("content-disposition", `attachment; filename="${name}.${format}"`);
    return format === "png" ? reply.send(entry.bytes.plain) : sendEncoded(request, reply, entry.bytes);
  };
  const note = (request: FastifyRequest) =>
    `EBI Insight, release ${request.release.id}${request.release.manifest.synthetic ? " (synthetic data)" : ""}. Disclosure: ${request.release.manifest.disclosure.statement ?? ""}`;

  for (const format of ["svg", "png"] as const) {
    app.get<{ Querystring: ChartQuery }>(`/charts/spc.${format}`, (request, reply) =>
      send(request, reply, "spc", format, () => {
        const { release } = request;
        const intervention = getIntervention(release, request.query.intervention ?? "");
        const org = findOrganisation(release, request.query.org || "ENG");
        const asked = request.query.period ? parsePeriodGrain(request.query.period) : "auto";
        const series = spcSeries(release, intervention.intervention_id, org.level, org.org_code, asked);
        const title = `${intervention.name}, ${org.name}: spells ${perGrain[series.grain]}`;
        const view = spcView(series, title);
        if (!view.svg) throw new EbiError("EBI_NOT_FOUND", `No control chart: ${view.summary}.`);
        return standaloneSvg(view.svg, title, `${view.summary} ${note(request)}`);
      }),
    );
    app.get<{ Querystring: ChartQuery }>(`/charts/funnel.${format}`, (request, reply) =>
      send(request, reply, "funnel", format, () => {
        const { release } = request;
        const intervention = getIntervention(release, request.query.intervention ?? "");
        const org = findOrganisation(release, request.query.org || "ENG");
        const title = `${intervention.name}: sub-ICB baseline standardised rates per 100,000`;
        return standaloneSvg(
          funnelPicture(release, intervention.intervention_id, org.org_code),
          title,
          `England's rate (blue line), 95% (dashed) and 99.8% (solid) limits. ${note(request)}`,
        );
      }),
    );
  }
}
