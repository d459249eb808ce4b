const esc = (s: unknown) =>
  String(s ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: {
    type?: string;
    enum?: unknown[];
    default?: unknown;
    anyOf?: { const?: unknown; enum?: unknown[] }[];
  };
}
interface OpenApiDocument {
  info?: { title?: string; description?: string };
  paths?: Record<string, Record<string, { description?: string; parameters?: OpenApiParameter[] }>>;
}

/** The values a parameter takes, when its schema lists them. */
function valuesOf(p: OpenApiParameter): string {
  const list =
    p.schema?.enum ?? p.schema?.anyOf?.flatMap((a) => (a.const !== undefined ? [a.const] : (a.enum ?? [])));
  return list?.length ? list.map(String).join(", ") : (p.schema?.type ?? "");
}

/**
 * The API reference as a plain page of the service: every route with its description and each
 * parameter, required or optional, with its values and default (from the OpenAPI document).
 */
export function apiDocsPage(doc: OpenApiDocument): string {
  const routes = Object.entries(doc.paths ?? {})
    .filter(([path]) => path.startsWith("/api/v1/"))
    .map(([path, ops]) => {
      const op = ops.get;
      if (!op) return "";
      const params = (op.parameters ?? []).filter((p) => p.in === "query" || p.in === "path");
      const rows = params
        .map(
          (p) =>
            `<tr><th scope="row"><code>${esc(p.name)}</code></th><td>${p.required ? "required" : "optional"}</td><td>${esc(valuesOf(p))}</td><td>${p.schema?.default !== undefined ? `<code>${esc(p.schema.default)}</code>` : "–"}</td><td>${esc(p.description ?? "")}</td></tr>`,
        )
        .join("");
      const table = params.length
        ? `<div class="ebi-table-scroll" tabindex="0" role="region" aria-label="Parameters of ${esc(path)}"><table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-u-visually-hidden">Parameters of ${esc(path)}</caption><thead><tr><th scope="col">Parameter</th><th scope="col">Required</th><th scope="col">Values</th><th scope="col">Default</th><th scope="col">Meaning</th></tr></thead><tbody>${rows}</tbody></table></div>`
        : "<p>No parameters.</p>";
      return `<h2 class="nhsuk-heading-s"><code>GET ${esc(path)}</code></h2><p>${esc(op.description ?? "")}</p>${table}`;
    })
    .join("");
  return `<h1>API reference</h1><p class="nhsuk-lede-text">${esc(doc.info?.description ?? "")}</p>
<p>The OpenAPI document is at <a href="/api/docs/json">/api/docs/json</a>; an interactive explorer is at <a href="/api/explorer">/api/explorer</a>. Every table route answers JSON, CSV (<code>.csv</code> suffix or <code>Accept: text/csv</code>) and Excel (<code>.xlsx</code> suffix).</p>${routes}`;
}
