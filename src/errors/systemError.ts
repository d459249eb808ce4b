import { EbiError } from "./EbiError.ts";

/**
 * The catalogue error for an operating-system failure a person can fix (a full disk, a folder
 * where a file belongs, a port in use), from a Node error code or DuckDB's wording of it; null
 * for anything else. `what` names the step, e.g. "build release 2019…".
 */
export function fromSystemError(error: unknown, what: string): EbiError | null {
  if (error instanceof EbiError && error.code !== "EBI_DATABASE") return null;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const path = (error as { path?: unknown } | null)?.path;
  const where = typeof path === "string" ? ` (${path})` : "";
  if (
    code === "ENOSPC" ||
    code === "EDQUOT" ||
    /no space left on device|disk quota exceeded|disk is full/i.test(message)
  )
    return new EbiError(
      "EBI_DISK_FULL",
      `The disk filled up during ${what}${where}.`,
      { step: what },
      { cause: error },
    );
  if (code === "EISDIR" || /is a directory/i.test(message))
    return new EbiError(
      "EBI_PATH_IS_DIRECTORY",
      `A directory was given where a file is needed during ${what}${where}.`,
      { step: what, ...(where ? { path } : {}) },
      { cause: error },
    );
  if (code === "EADDRINUSE")
    return new EbiError(
      "EBI_PORT_IN_USE",
      `Cannot ${what}: the port is already in use.`,
      { step: what },
      { cause: error },
    );
  return null;
}
