import { inject, injectable, type InjectionToken } from "tsyringe";
import type { AuditEvent, AuditSink } from "../../plugin-sdk/audit.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import { requestScope } from "../request-scope.js";

/** An audit event as its owner states it; the trail adds when (`at`) and the request it belongs to (`requestId`). */
export type AuditFacts = AuditEvent extends infer E ? (E extends AuditEvent ? Omit<E, "at" | "requestId"> : never) : never;

/** What the owners of audited actions call (one place per action); never waits for the sinks. */
export interface AuditRecorder {
  record(facts: AuditFacts): void;
}

/** The enabled audit sinks (ExtensionPoints.auditSinks). */
export const AuditSinksToken: InjectionToken<readonly AuditSink[]> = Symbol("AuditSinks");
/** The AuditRecorder core services inject (resolved at the first call: the sinks are plugins, built after core's capabilities). */
export const AuditRecorderToken: InjectionToken<AuditRecorder> = Symbol("AuditRecorder");

/**
 * Delivers audit events to every sink after the current turn of the event loop, so no request waits for a sink; a
 * sink that throws or rejects is logged and never fails the request. With no sink enabled, recording costs nothing.
 */
@injectable()
export class AuditTrail implements AuditRecorder {
  readonly #pending = new Set<Promise<void>>();

  constructor(
    @inject(AuditSinksToken) private readonly sinks: readonly AuditSink[],
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Logger) private readonly logger: Logger,
  ) {}

  /** Stamps `facts` and hands them to every sink asynchronously; returns at once. */
  record(facts: AuditFacts): void {
    if (this.sinks.length === 0) return;
    const requestId = requestScope.getStore();
    const event = Object.freeze({ ...facts, at: new Date(this.clock.now()).toISOString(), ...(requestId !== undefined && { requestId }) }) as AuditEvent;
    for (const sink of this.sinks) {
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => sink.record(event))
        .then(
          () => undefined,
          (error: unknown) => this.logger.warn({ sink: sink.id, event: event.type, err: error }, "audit sink failed"),
        );
      this.#pending.add(delivery);
      void delivery.then(() => this.#pending.delete(delivery));
    }
  }

  /** Resolves once every event recorded so far was delivered or failed (the app waits for it before closing storage). */
  async idle(): Promise<void> {
    await Promise.all([...this.#pending]);
  }
}
