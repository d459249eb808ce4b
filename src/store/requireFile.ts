import { existsSync, statSync } from "node:fs";
import { InputError } from "../errors/index.ts";

/** A typed error unless `path` is a file that exists: EBI_PATH_IS_DIRECTORY for a folder. `what` names it ("cost table"). */
export function requireFile(path: string, what: string): void {
  if (!existsSync(path))
    throw new InputError("EBI_FILE_UNREADABLE", `the ${what} does not exist`, { file: path });
  if (statSync(path).isDirectory())
    throw new InputError("EBI_PATH_IS_DIRECTORY", `this is a directory, not the ${what}`, {
      file: path,
      expected: `the path of the ${what} file itself`,
    });
}

/** A typed error when `path`, to be written, is an existing directory. */
export function requireWritableFile(path: string, what: string): void {
  if (existsSync(path) && statSync(path).isDirectory())
    throw new InputError("EBI_PATH_IS_DIRECTORY", `this is a directory; the ${what} needs a file name`, {
      file: path,
      expected: `a file path such as ${path.replace(/\/+$/, "")}/out.csv`,
    });
}
