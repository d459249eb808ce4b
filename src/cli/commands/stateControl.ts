import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EbiError } from "../../errors/index.ts";
import { resolveWorkspace } from "../../store/index.ts";

/** Where a running `ebi serve` that holds the embedded state says how to reach it. */
export const controlFile = (root: string) => join(root, "state", "server.json");

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Embedded PostgreSQL serves one process: while `ebi serve` holds the workspace's state, audit
 * commands ask it over loopback with the token it wrote (readable by the workspace's owner only).
 * Null when no running server holds it (open the state directly) or DATABASE_URL is set.
 */
export async function viaRunningServer(
  command: string,
  query: Record<string, string | undefined>,
): Promise<string | null> {
  if (process.env.DATABASE_URL) return null;
  const file = controlFile(resolveWorkspace().root);
  if (!existsSync(file)) return null;
  const { pid, url, token } = JSON.parse(readFileSync(file, "utf8")) as {
    pid: number;
    url: string;
    token: string;
  };
  if (!alive(pid)) return null;
  const params = new URLSearchParams(
    Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const response = await fetch(`${url}/_control/audit/${command}?${params}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await response.text();
  if (!response.ok) {
    const problem = (() => {
      try {
        return JSON.parse(body) as { code?: string; detail?: string };
      } catch {
        return { detail: body };
      }
    })();
    throw new EbiError(
      problem.code === "EBI_AUDIT_BROKEN"
        ? "EBI_AUDIT_BROKEN"
        : problem.code === "EBI_INVALID_ARGUMENT"
          ? "EBI_INVALID_ARGUMENT"
          : "EBI_STATE_UNAVAILABLE",
      problem.detail ?? `The running server answered ${response.status}.`,
    );
  }
  return body;
}
