import type { EndpointResponse, HttpEndpoint } from "../endpoint.js";

/** GET /healthz: readiness for load balancers; 503 once shutdown has begun so intake stops (corpus S111). */
export class HealthEndpoint implements HttpEndpoint {
  readonly path = "/healthz";
  readonly methods = ["GET", "HEAD"] as const;
  private draining = false;

  /** Flips readiness to false for the rest of the process's life. */
  drain(): void {
    this.draining = true;
  }

  async handle(): Promise<EndpointResponse> {
    return this.draining
      ? { status: 503, headers: { "cache-control": "no-store" }, body: { status: "draining" } }
      : { status: 200, headers: { "cache-control": "no-store" }, body: { status: "ok" } };
  }
}
