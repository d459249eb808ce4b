import { fromSystemError, isEbiError } from "../errors/index.ts";

/**
 * Wraps a command handler: the one place errors become exit codes. A stack trace is printed only
 * with `--debug` (or EBI_DEBUG=1).
 */
export function action<A extends unknown[]>(
  handler: (...args: A) => Promise<void> | void,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await handler(...args);
    } catch (thrown) {
      const error =
        fromSystemError(thrown, `\`${process.argv.slice(2).find((a) => !a.startsWith("-")) ?? "ebi"}\``) ??
        thrown;
      const debug = process.argv.includes("--debug") || process.env.EBI_DEBUG === "1";
      if (isEbiError(error)) {
        process.stderr.write(`error ${error.code}: ${error.message}\n`);
        if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
        process.exitCode = error.exitCode;
      } else {
        process.stderr.write(`internal error: ${error instanceof Error ? error.message : String(error)}\n`);
        if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
        else process.stderr.write("Run again with --debug for details.\n");
        process.exitCode = 70;
      }
    }
  };
}
