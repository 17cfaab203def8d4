import type { AuditFacts, AuditRecorder } from "../../src/core/audit/audit-trail.js";

/** An AuditRecorder that keeps what core recorded, for services built by hand in unit tests. */
export function recordingAudit(): AuditRecorder & { events: AuditFacts[] } {
  const events: AuditFacts[] = [];
  return { events, record: (facts) => void events.push(facts) };
}
