export * from "./errors.js";
export * from "./form-params.js";
export * from "./client.js";
export * from "./request.js";
export * from "./client-auth.js";
export * from "./grant.js";
export * from "./hooks.js";
export * from "./plugin-module.js";
