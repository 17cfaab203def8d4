import { pino } from "pino";
import type { Logger } from "../core/ports/logger.js";

/** Paths pino censors even if a caller slips: credentials must never reach the logs (corpus S119). */
const REDACT = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "headers.dpop",
  "*.client_secret",
  "*.client_assertion",
  "*.access_token",
  "*.refresh_token",
  "*.code",
  "*.token",
  "*.password",
];

/** The structured logger (pino: fast JSON logs with built-in redaction). */
export function createLogger(level: string, fd: 1 | 2 = 1): Logger {
  return pino({ level, redact: { paths: REDACT, censor: "[redacted]" }, base: { service: "portcullis" } }, pino.destination({ fd, sync: fd === 2 }));
}
