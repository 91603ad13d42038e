/** The in-memory engine: what the DWP transport and the CLI use. */
export { createEngine, goDefaultBackoff } from "./engine.js";
export { goQuote } from "./go-quote.js";
export { formatRFC3339, formatRFC3339Nano } from "./go-time.js";
export { newTypeId, parseTypeId, TypeIdError, type TypeIdPrefix, typeIdError } from "./type-id.js";
export * from "./types.js";
