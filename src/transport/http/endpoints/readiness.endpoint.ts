import type { ReadinessChecks } from "../../../core/maintenance/readiness-checks.js";
import type { Logger } from "../../../core/ports/logger.js";
import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";
import type { HealthEndpoint } from "./health.endpoint.js";

const NO_STORE = { "cache-control": "no-store" };

/**
 * GET /readyz: readiness — 200 `{status:"ready", checks}` when the database, the ephemeral store and the signing keys
 * are usable, else 503 naming the failed check with a short reason; 503 `draining` once shutdown has begun (corpus
 * S111). Bounded by READINESS_TIMEOUT_MS. A change of state is logged once, never each probe.
 */
export class ReadinessEndpoint implements HttpEndpoint {
  readonly path = "/readyz";
  readonly methods = ["GET", "HEAD"] as const;
  #wasReady = true;

  constructor(
    private readonly health: HealthEndpoint,
    private readonly checks: ReadinessChecks,
    private readonly logger: Logger,
  ) {}

  async handle(): Promise<EndpointResponse> {
    if (this.health.draining) return { status: 503, headers: NO_STORE, body: { status: "draining" } };
    const { ready, checks, causes } = await this.checks.run();
    if (ready !== this.#wasReady) {
      this.#wasReady = ready;
      if (ready) this.logger.info({ checks }, "ready again");
      else this.logger.warn({ checks, causes: Object.fromEntries(Object.entries(causes).map(([check, cause]) => [check, (cause as Error)?.message ?? String(cause)])) }, "not ready");
    }
    return { status: ready ? 200 : 503, headers: NO_STORE, body: { status: ready ? "ready" : "not_ready", checks } };
  }
}
