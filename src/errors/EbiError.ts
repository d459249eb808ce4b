import { type ErrorCode, errorCodes } from "./codes.ts";

/** An error a person can act on: a stable `code` from the catalogue and a message that says what to do. */
export class EbiError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "EbiError";
    this.code = code;
    this.details = details;
  }

  /** Process exit code for this error's code. */
  get exitCode(): number {
    return errorCodes[this.code].exit;
  }

  /** HTTP status for this error's code. */
  get status(): number {
    return errorCodes[this.code].status;
  }
}

/** Where in an input a bad value sits; every field optional because whole-file problems have no row. */
export interface InputLocation {
  file?: string;
  row?: number;
  field?: string;
  value?: unknown;
  expected?: string;
}

/** A problem in user input, with its message built from file, row, field, value and what was expected. */
export class InputError extends EbiError {
  readonly location: InputLocation;

  constructor(code: ErrorCode, problem: string, location: InputLocation, options?: ErrorOptions) {
    super(code, InputError.describe(problem, location), { ...location }, options);
    this.name = "InputError";
    this.location = location;
  }

  /** Formats "file, row 12, field `sex`: value "7": expected one of 0, 1, 2, 9 — problem". */
  static describe(problem: string, { file, row, field, value, expected }: InputLocation): string {
    const where = [
      file,
      row === undefined ? undefined : `row ${row}`,
      field === undefined ? undefined : `field \`${field}\``,
    ]
      .filter((part) => part !== undefined)
      .join(", ");
    const got = value === undefined ? "" : ` value ${JSON.stringify(value)}`;
    const want = expected === undefined ? "" : `; expected ${expected}`;
    return `${where ? `${where}:` : ""}${got ? `${got}:` : ""} ${problem}${want}`.trim();
  }
}

/** True for errors carrying a catalogue code. */
export function isEbiError(error: unknown): error is EbiError {
  return error instanceof EbiError;
}
