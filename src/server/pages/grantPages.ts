import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  approveGrant,
  type GrantContext,
  grantStatus,
  listGrants,
  mayApprove,
  requestGrant,
  revokeGrant,
  sweepGrants,
} from "../../access/grants.ts";
import { EbiError } from "../../errors/index.ts";
import type { RegisteredAccess } from "../registeredAccess.ts";
import { checkSessionForm, sessionCsrf } from "./signInPages.ts";

type Html = (
  reply: FastifyReply,
  template: string,
  context: Record<string, unknown>,
  status?: number,
) => FastifyReply;

/** The grant context of a service with registered access. */
export const grantContext = (access: RegisteredAccess): GrantContext => ({
  db: access.state,
  clock: access.clock,
  audit: access.audit,
  organisations: access.registered.organisations,
  childrenOf: access.registered.childrenOf,
});

/**
 * Grants: `/access` (a user's own grants and a request form), `/admin/grants` (every grant with its
 * status, for approvers and admins, with approve and revoke forms). Every form carries the session's token.
 */
export function grantPages(forms: FastifyInstance, access: RegisteredAccess, html: Html): void {
  const ctx = grantContext(access);
  // Grants unused for six months are revoked hourly (and whenever the grants page is opened).
  let sweeper: NodeJS.Timeout | null = null;
  forms.addHook("onReady", async () => {
    sweeper = setInterval(() => void sweepGrants(ctx).catch(() => undefined), 3_600_000);
    sweeper.unref();
  });
  forms.addHook("onClose", async () => {
    if (sweeper) clearInterval(sweeper);
  });
  const signedIn = (request: FastifyRequest, reply: FastifyReply, path: string) => {
    if (request.principal) return request.principal;
    reply.redirect(`/sign-in?returnTo=${encodeURIComponent(path)}`);
    return null;
  };
  const withStatus = (rows: Awaited<ReturnType<typeof listGrants>>) =>
    rows.map((g) => ({ ...g, status: grantStatus(g, access.clock.now()) }));

  const accessPage = async (request: FastifyRequest, reply: FastifyReply, error?: string, status = 200) => {
    const principal = request.principal;
    if (!principal) return reply.redirect("/sign-in?returnTo=%2Faccess");
    return html(
      reply,
      "access.njk",
      {
        title: "Request access",
        principal,
        csrf: sessionCsrf(access, request),
        grants: withStatus(await listGrants(access.state, principal.userId)),
        error,
      },
      status,
    );
  };
  forms.get("/access", (request, reply) => accessPage(request, reply));
  forms.post<{ Body: { org?: string; purpose?: string; _csrf?: string } }>(
    "/access",
    async (request, reply) => {
      const principal = signedIn(request, reply, "/access");
      if (!principal) return reply;
      checkSessionForm(access, request);
      try {
        await requestGrant(
          ctx,
          principal,
          String(request.body?.org ?? "")
            .trim()
            .toUpperCase(),
          String(request.body?.purpose ?? ""),
        );
      } catch (error) {
        if (error instanceof EbiError && error.code === "EBI_GRANT_INVALID")
          return accessPage(request, reply, error.message, 400);
        throw error;
      }
      return reply.redirect("/access");
    },
  );

  forms.get("/admin/grants", async (request, reply) => {
    const principal = signedIn(request, reply, "/admin/grants");
    if (!principal) return reply;
    if (principal.role === "viewer")
      throw new EbiError("EBI_FORBIDDEN", "The grants page is for approvers and administrators.");
    await sweepGrants(ctx);
    const grants = withStatus(await listGrants(access.state)).map((g) => ({
      ...g,
      canDecide: mayApprove(ctx, principal, g.org_code),
      own: g.user_id === principal.userId,
    }));
    return html(reply, "adminGrants.njk", {
      title: "Grants",
      principal,
      csrf: sessionCsrf(access, request),
      grants,
    });
  });
  for (const action of ["approve", "revoke"] as const)
    forms.post<{ Params: { id: string }; Body: { _csrf?: string; reason?: string } }>(
      `/admin/grants/:id/${action}`,
      async (request, reply) => {
        const principal = signedIn(request, reply, "/admin/grants");
        if (!principal) return reply;
        checkSessionForm(access, request);
        if (action === "approve") await approveGrant(ctx, principal, request.params.id);
        else
          await revokeGrant(
            ctx,
            principal,
            request.params.id,
            String(request.body?.reason || "revoked by an approver").slice(0, 200),
          );
        return reply.redirect("/admin/grants");
      },
    );
}
