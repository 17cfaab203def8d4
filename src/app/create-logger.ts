import { pino, type DestinationStream } from "pino";
import type { Logger } from "../core/ports/logger.js";
import { requestScope } from "../core/request-scope.js";

/** Paths pino censors even if a caller slips: credentials must never reach the logs (corpus S119). */
const REDACT = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers.dpop",
  "headers.cookie",
  "*.headers.dpop",
  "*.headers.cookie",
  "*.client_secret",
  "*.client_assertion",
  "*.access_token",
  "*.refresh_token",
  "*.id_token",
  "*.registration_access_token",
  "*.assertion",
  "*.subject_token",
  "*.actor_token",
  "*.code_verifier",
  "*.code",
  "*.token",
  "*.password",
];

/** Adds the id of the request being served to every log line written while serving it (README "Request ids"); pino merges into the returned object, so it is a fresh one. */
export function requestIdMixin(): { requestId?: string } {
  const requestId = requestScope.getStore();
  return requestId === undefined ? {} : { requestId };
}

/** The structured logger (pino: fast JSON logs with built-in redaction) on stdout, stderr or a given stream. */
export function createLogger(level: string, destination: 1 | 2 | DestinationStream = 1): Logger {
  const stream = typeof destination === "number" ? pino.destination({ fd: destination, sync: destination === 2 }) : destination;
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "portcullis" }, mixin: requestIdMixin }, stream);
}
