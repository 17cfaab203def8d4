export * from "./clock.js";
export * from "./ephemeral-store.js";
export * from "./repositories.js";
export * from "./logger.js";
export * from "./change-log.js";
