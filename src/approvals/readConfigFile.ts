import { readFileSync } from "node:fs";
import type { Static, TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { EbiError } from "../errors/index.ts";

/**
 * Reads a JSON configuration file and checks it against `schema`; a file that does not parse, or
 * does not fit, is EBI_APPROVALS_CONFIG naming the path and up to five problems. `what` names the
 * kind of file in the message ("an approval policy").
 */
export function readConfigFile<T extends TSchema>(path: string, schema: T, what: string): Static<T> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new EbiError("EBI_APPROVALS_CONFIG", `${path} is not readable JSON: ${(error as Error).message}`, {
      file: path,
    });
  }
  if (!Value.Check(schema, data)) {
    const problems = [...Value.Errors(schema, data)].slice(0, 5).map((e) => `${e.path}: ${e.message}`);
    throw new EbiError("EBI_APPROVALS_CONFIG", `${path} is not ${what}: ${problems.join("; ")}`, {
      file: path,
      problems,
    });
  }
  return data;
}
