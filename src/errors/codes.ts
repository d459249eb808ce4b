/**
 * The one catalogue of error codes. Each code has a stable name, the CLI exit code, the HTTP status
 * the API answers with, a title, and how a person fixes it. `docs/errors.md` is generated from this
 * table (`ebi docs errors`), and a test fails when the two drift.
 * Add new codes here, grouped by domain; never rename or reuse a code.
 */
export interface ErrorCodeInfo {
  /** Process exit code used by the CLI. */
  exit: number;
  /** HTTP status used by the API (problem+json). */
  status: number;
  title: string;
  fix: string;
}

export const errorCodes = {
  // general
  EBI_INTERNAL: {
    exit: 70,
    status: 500,
    title: "Internal error",
    fix: "Report it with the output of `--debug`.",
  },
  EBI_USAGE: {
    exit: 64,
    status: 400,
    title: "Bad command usage",
    fix: "Run the command with `--help` and correct the options.",
  },
  EBI_INVALID_ARGUMENT: {
    exit: 64,
    status: 400,
    title: "Invalid argument",
    fix: "Pass a value of the type and range the message names.",
  },
  EBI_NOT_FOUND: {
    exit: 66,
    status: 404,
    title: "Not found",
    fix: "Check the id or code; list what exists with the matching `list` command.",
  },
  // input files
  EBI_FILE_UNREADABLE: {
    exit: 66,
    status: 400,
    title: "File cannot be read",
    fix: "Check the path exists, is readable, and is a CSV or Parquet file.",
  },
  EBI_FILE_EMPTY: {
    exit: 65,
    status: 400,
    title: "File is empty",
    fix: "Export the extract again; it holds no rows.",
  },
  EBI_FILE_COLUMNS: {
    exit: 65,
    status: 400,
    title: "File is missing required columns",
    fix: "Rename the columns to HES names or a known alias (see docs/data-dictionary.md).",
  },
  EBI_FILE_ENCODING: {
    exit: 65,
    status: 400,
    title: "File encoding is not readable",
    fix: "Save the file as UTF-8 (or plain ASCII) CSV.",
  },
  EBI_INPUT_VALUE: {
    exit: 65,
    status: 400,
    title: "Invalid value in input",
    fix: "Correct the value in the named file, row and field.",
  },
  // store and database
  EBI_DATABASE: {
    exit: 74,
    status: 500,
    title: "Database error",
    fix: "Read the wrapped DuckDB message; check disk space and file permissions.",
  },
  EBI_STORE_LOCKED: {
    exit: 75,
    status: 503,
    title: "Store is in use",
    fix: "Another `ebi` process holds the store; wait for it to finish.",
  },
  EBI_REFERENCE_MISSING: {
    exit: 65,
    status: 400,
    title: "Reference data not loaded",
    fix: "Load the reference files first with `ebi reference load …` (or `ebi demo generate --load`).",
  },
  // statistics
  EBI_STATS_INPUT: {
    exit: 65,
    status: 400,
    title: "Invalid input to a statistical method",
    fix: "Pass finite, non-negative counts and positive denominators where events exist (see docs/methods.md).",
  },
  EBI_STATS_METHOD: {
    exit: 64,
    status: 400,
    title: "Unknown statistical method",
    fix: "Choose one of the methods the message lists (see docs/methods.md).",
  },
  // rules
  EBI_RULES_INVALID: {
    exit: 65,
    status: 400,
    title: "Rule set is not valid",
    fix: "Correct the rule file at the path the message names (see docs/rules.md for the format).",
  },
  EBI_RULES_LINT: {
    exit: 65,
    status: 400,
    title: "Rule set fails its checks",
    fix: "Run `ebi rules lint` and correct each finding; every code must be able to exist and every rule needs fixtures.",
  },
  EBI_RULES_FIXTURE: {
    exit: 65,
    status: 400,
    title: "A rule's fixtures fail",
    fix: "Run `ebi rules test` to see which episode counted (or did not) against its expectation.",
  },
  // disclosure
  EBI_DISCLOSURE_RECOVERABLE: {
    exit: 65,
    status: 500,
    title: "Public release would disclose small counts",
    fix: "Report it: the build refuses to publish a release whose redacted counts can be worked out.",
  },
  // disclosure: attacker audit, policies and release integrity
  EBI_DISCLOSURE_UNSAFE: {
    exit: 65,
    status: 500,
    title: "Public side fails the disclosure audit",
    fix: "Secondary suppression could not protect every hidden count: nothing was published. Build with a stricter --policy, or --registered-only to write the registered side alone.",
  },
  EBI_DISCLOSURE_INCONSISTENT: {
    exit: 65,
    status: 500,
    title: "Published figures contradict their relations",
    fix: "The disclosure audit found no hidden values consistent with the published totals: report it, the release is not published.",
  },
  EBI_RELEASE_INCOMPLETE: {
    exit: 66,
    status: 500,
    title: "Release folder is incomplete",
    fix: "A table the manifest lists is missing, or the manifest or interventions file does not parse: rebuild the release with `ebi build`.",
  },
  EBI_RELEASE_TAMPERED: {
    exit: 65,
    status: 500,
    title: "Release file does not match its manifest",
    fix: "A table's sha256 differs from the one the manifest records: the file was changed after the build. Rebuild the release, or publish an intact one.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;
