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
  // inputs, environment and HTTP answers
  EBI_FILE_COLUMN_TYPE: {
    exit: 65,
    status: 400,
    title: "A column has the wrong type",
    fix: "Export the named column as text, a whole number or a date as docs/data-dictionary.md says (not a decimal, list or struct).",
  },
  EBI_PATH_IS_DIRECTORY: {
    exit: 66,
    status: 400,
    title: "A directory was given where a file is needed",
    fix: "Pass the path of the file itself (for example extract.csv inside the folder), not its folder.",
  },
  EBI_DISK_FULL: {
    exit: 74,
    status: 507,
    title: "No space left on the disk",
    fix: "Free disk space where the store, its spill folder (.spill/) and the releases live, or point them at a larger disk; nothing partial was kept.",
  },
  EBI_PORT_IN_USE: {
    exit: 75,
    status: 500,
    title: "The port is already in use",
    fix: "Stop the other service on that port or start this one on another with `--port`.",
  },
  EBI_RELEASE_FILE_MISSING: {
    exit: 66,
    status: 500,
    title: "A release file is missing",
    fix: "The release folder is incomplete: publish it again with `ebi build`, or point `--releases` at a complete one.",
  },
  EBI_BAD_URL: {
    exit: 64,
    status: 400,
    title: "The address cannot be read",
    fix: "Percent-encode the address correctly (UTF-8, `%` followed by two hex digits).",
  },
  EBI_URL_TOO_LONG: {
    exit: 64,
    status: 414,
    title: "A part of the address is too long",
    fix: "Use the codes and ids the API lists; no path segment is longer than 100 characters.",
  },
  EBI_HEADERS_TOO_LARGE: {
    exit: 64,
    status: 431,
    title: "The request's address or headers are too large",
    fix: "Send fewer or shorter headers and a shorter address (16 kB in all); filter with fewer parameters.",
  },
  EBI_BAD_REQUEST: {
    exit: 64,
    status: 400,
    title: "Bad request",
    fix: "Correct the request as its detail says.",
  },
  EBI_RATE_LIMITED: {
    exit: 75,
    status: 429,
    title: "Too many requests",
    fix: "Wait a minute and retry, or make fewer requests (download a table whole rather than page by page).",
  },
  // talking therapies
  EBI_TT_TABLE_MISSING: {
    exit: 66,
    status: 400,
    title: "A required IAPT table is missing",
    fix: "Put one file per IAPT v2.1 table in the folder, named after it (IDS101Referral.csv or .parquet; see docs/talking-therapies.md).",
  },
  EBI_TT_THRESHOLDS: {
    exit: 65,
    status: 400,
    title: "Talking-therapies thresholds are not valid",
    fix: "Correct the thresholds file at the path and field the message names (see docs/talking-therapies.md).",
  },
  EBI_TT_PUBLISHED: {
    exit: 65,
    status: 400,
    title: "Published national measures file cannot be read",
    fix: "Pass the annual measures file as NHS England publishes it (CSV) or the shared Parquet, with its published column names.",
  },
  EBI_TT_SIGN_IN_REQUIRED: {
    exit: 77,
    status: 401,
    title: "Sign in to see practitioner-level figures",
    fix: "Sign in with an account of the service's provider (or a national account); practitioner dashboards and pathway lists are never public.",
  },
  // approvals (prior approval and IFR compliance)
  EBI_APPROVALS_MAPPING: {
    exit: 65,
    status: 400,
    title: "Approvals mapping file is not valid",
    fix: "Correct the mapping file the message names (see docs/approvals.md for its format).",
  },
  EBI_APPROVALS_CONFIG: {
    exit: 65,
    status: 400,
    title: "Approvals policy or escalation configuration is not valid",
    fix: "Correct the configuration file at the path the message names (see docs/approvals.md).",
  },
  EBI_APPROVALS_NONE: {
    exit: 65,
    status: 400,
    title: "No approvals loaded",
    fix: "Load an approvals file first with `ebi approvals load FILE` (or `ebi approvals demo --load`).",
  },
  // registered access (state, identity, grants, audit)
  EBI_STATE_UNAVAILABLE: {
    exit: 69,
    status: 503,
    title: "State database unavailable",
    fix: "Check DATABASE_URL (or the workspace's state folder) and that PostgreSQL is running; see docs/registered-access.md.",
  },
  EBI_SIGN_IN_FAILED: {
    exit: 77,
    status: 401,
    title: "Sign-in failed",
    fix: "Sign in again; if it keeps failing, check the identity provider's settings in docs/registered-access.md.",
  },
  EBI_SIGN_IN_RATE_LIMITED: {
    exit: 75,
    status: 429,
    title: "Too many sign-in attempts",
    fix: "Wait a few minutes before trying to sign in again.",
  },
  EBI_CSRF: {
    exit: 77,
    status: 403,
    title: "Form expired or not sent from this site",
    fix: "Reload the page and submit the form again.",
  },
  EBI_FORBIDDEN: {
    exit: 77,
    status: 403,
    title: "Not allowed",
    fix: "Sign in with an account whose role allows this (see roles in docs/registered-access.md).",
  },
  EBI_GRANT_INVALID: {
    exit: 65,
    status: 400,
    title: "Grant cannot be made",
    fix: "A grant needs a purpose and an approver other than the requester who holds the approver role for that organisation.",
  },
  EBI_AUDIT_BROKEN: {
    exit: 65,
    status: 500,
    title: "Audit chain broken",
    fix: "An audit event was changed or removed: keep the database as it is and report it to the information-governance lead.",
  },
  EBI_IDENTITY_CONFIG: {
    exit: 78,
    status: 500,
    title: "Identity provider settings are invalid",
    fix: "Set the issuer URL, client id and secret (EBI_OIDC_ISSUER, EBI_OIDC_CLIENT_ID, EBI_OIDC_CLIENT_SECRET); see docs/registered-access.md.",
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
  // registered access: audit delivery
  EBI_AUDIT_UNAVAILABLE: {
    exit: 69,
    status: 503,
    title: "Audit log cannot record reads",
    fix: "The state database is refusing audit events (see the message): registered figures are refused until it accepts them again. Check DATABASE_URL or the workspace's state folder; events already taken are kept and retried.",
  },
  // approvals: registered pages
  EBI_SIGN_IN_REQUIRED: {
    exit: 77,
    status: 401,
    title: "Sign-in required",
    fix: "Sign in at /sign-in with an NHS account; these figures are registered-only (see docs/registered-access.md).",
  },
  // planned care: procedure groups, waiting-list extracts, strategies
  EBI_PLANNED_CARE_GROUPS_INVALID: {
    exit: 65,
    status: 400,
    title: "Procedure-group file is invalid",
    fix: "Correct the field the message names in the procedure-group file (format in docs/planned-care-equity.md); slugs must be unique across the shipped and local groups.",
  },
  EBI_WAITING_LIST_INVALID: {
    exit: 65,
    status: 400,
    title: "Waiting-list extract cannot be read",
    fix: "Give a CSV in the WLMDS clock-stop layout with the columns docs/planned-care-equity.md lists; rows with a bad value are quarantined, a missing column stops the load.",
  },
  EBI_STRATEGY_INVALID: {
    exit: 65,
    status: 400,
    title: "Strategy record is invalid",
    fix: "Choose an approach from the catalogue, at least one procedure group, a population and a start date (YYYY-MM-DD) for an organisation in your scope.",
  },
  EBI_ETHNIC_POPULATION_INVALID: {
    exit: 65,
    status: 400,
    title: "Population by ethnic group cannot be read",
    fix: "Give a CSV in the Census 2021 TS021 long layout (the columns docs/planned-care-equity.md lists); rows with a bad value are quarantined, a missing column stops the load.",
  },
  EBI_ETHNIC_AGE_SEX_POPULATION_INVALID: {
    exit: 65,
    status: 400,
    title: "Population by ethnic group, sex and age cannot be read",
    fix: "Give a CSV with the columns docs/planned-care-equity.md lists (area code, ethnic group, sex, age band, observation) and age bands that split 0–90+ at multiples of 5; rows with a bad value are quarantined, a missing column stops the load.",
  },
  // talking-therapies service review: service configuration
  EBI_TT_SERVICE_CONFIG: {
    exit: 65,
    status: 400,
    title: "Service configuration is invalid",
    fix: "Correct the field the message names in the service-configuration file (every field is described in docs/talking-therapies.md); money in pounds, WTE and hours as numbers ≥ 0.",
  },
  // disclosure: registered users as attackers of the public side
  EBI_DISCLOSURE_INSIDER_UNSAFE: {
    exit: 65,
    status: 500,
    title: "Public side leaks to a registered user",
    fix: "A signed-in user who knows their own scope's counts could work out a hidden count outside it, and hiding more outside the scope did not stop it: nothing was published. Build with a stricter --policy, or --registered-only.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof errorCodes;
