import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { keptAnswer, sendJson, sendKept } from "../tableResponse.ts";

const Span = Type.Object({ start: Type.String(), end: Type.String() });
const ReleaseSummary = Type.Object({
  release_id: Type.String(),
  built_at: Type.String(),
  synthetic: Type.Boolean(),
  rule_sets: Type.Array(
    Type.Object({
      id: Type.String(),
      version: Type.String(),
      sha256: Type.String(),
      effective: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    }),
  ),
  counting_unit: Type.Optional(Type.Object({ unit: Type.String(), definition: Type.String() })),
  periods: Type.Object({
    data_start: Type.String(),
    data_end: Type.String(),
    baseline: Type.Record(Type.String(), Span),
    latest: Span,
  }),
  reference: Type.Array(Type.Object({ dataset: Type.String(), vintage: Type.String() })),
  rows: Type.Object({ read: Type.Number(), accepted: Type.Number(), quarantined: Type.Number() }),
  inputs: Type.Integer({ description: "number of input files" }),
  disclosure: Type.Object({
    threshold: Type.Number(),
    rounding: Type.Union([Type.Number(), Type.Null()]),
    method: Type.String(),
  }),
  goal: Type.Object({ percentile: Type.Number(), method: Type.String() }),
  tables: Type.Record(Type.String(), Type.Object({ rows: Type.Number(), sha256: Type.String() })),
});

/** `/api/v1/release`: what is being served (id, period, rule sets, disclosure settings). */
export function releaseRoutes(app: FastifyInstance): void {
  app.get(
    "/api/v1/release",
    {
      schema: {
        description:
          "The published release: id, period, rule sets, reference vintages and disclosure settings",
        tags: ["release"],
        response: { 200: ReleaseSummary, 304: Type.Null() },
      },
    },
    async (request, reply) => {
      const kept = keptAnswer(request);
      if (kept) return sendKept(request, reply, kept);
      const { release } = request;
      return sendJson(request, reply, release, {
        ...release.manifest,
        inputs: release.manifest.inputs.length,
      });
    },
  );
}
