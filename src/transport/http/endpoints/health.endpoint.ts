import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";

/**
 * GET /healthz: liveness — the process is up and serving. It also answers 503 once shutdown has begun (as it did
 * before /readyz existed), so a balancer probing it stops sending too (corpus S111); dependencies are /readyz's.
 */
export class HealthEndpoint implements HttpEndpoint {
  readonly path = "/healthz";
  readonly methods = ["GET", "HEAD"] as const;
  #draining = false;

  /** Flips liveness and readiness to false for the rest of the process's life. */
  drain(): void {
    this.#draining = true;
  }

  /** True once shutdown has begun. */
  get draining(): boolean {
    return this.#draining;
  }

  async handle(): Promise<EndpointResponse> {
    return this.#draining
      ? { status: 503, headers: { "cache-control": "no-store" }, body: { status: "draining" } }
      : { status: 200, headers: { "cache-control": "no-store" }, body: { status: "ok" } };
  }
}
