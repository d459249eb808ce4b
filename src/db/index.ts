export { allOn, Database, type DatabaseOptions, runOn, type SqlParams } from "./Database.ts";
export { quoteIdentifier, quoteLiteral } from "./identifier.ts";
