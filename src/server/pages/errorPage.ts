import type nunjucks from "nunjucks";
import type { ServedRelease } from "../../release/servedRelease.ts";
import { createRenderer, type SiteFrame } from "../../web/renderer.ts";
import type { ProblemBody } from "../problem.ts";

const renderers = new WeakMap<SiteFrame, nunjucks.Environment>();

/** A problem as a page with the service's header, navigation and footer (404s and every other error). */
export function errorPage(release: ServedRelease, problem: ProblemBody, frame: SiteFrame): string {
  let env = renderers.get(frame);
  if (!env) {
    env = createRenderer(frame);
    renderers.set(frame, env);
  }
  try {
    return env.render("error.njk", {
      release,
      title: problem.title,
      heading: problem.status === 404 ? "Page not found" : problem.title,
      detail: problem.detail,
      status: problem.status,
      code: problem.code,
    });
  } catch {
    // The page of last resort must not fail in turn.
    const text = problem.detail.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return `<!doctype html><html lang="en"><title>${problem.title}</title><h1>${problem.title}</h1><p>${text}</p><p><a href="/">${frame.serviceName}</a></p></html>`;
  }
}
