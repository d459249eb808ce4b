export { type ErrorCode, type ErrorCodeInfo, errorCodes } from "./codes.ts";
export { EbiError, InputError, type InputLocation, isEbiError } from "./EbiError.ts";
export { errorTableMarkdown } from "./errorTableMarkdown.ts";
export { fromSystemError } from "./systemError.ts";
