import { Counter, type Registry } from "prom-client";
import type { ProtocolMetrics } from "../../core/ports/protocol-metrics.js";
import { errorLabel } from "./error-label.js";

/** Token requests per grant type and outcome, client authentications per method and outcome, as Prometheus counters. */
export class PrometheusProtocolMetrics implements ProtocolMetrics {
  private readonly tokenRequests: Counter<"grant_type" | "outcome">;
  private readonly clientAuthentications: Counter<"method" | "outcome">;

  constructor(registry: Registry) {
    this.tokenRequests = new Counter({ name: "portcullis_token_requests_total", help: "Token endpoint requests by grant type and outcome (issued or the OAuth error code).", labelNames: ["grant_type", "outcome"], registers: [registry] });
    this.clientAuthentications = new Counter({ name: "portcullis_client_authentications_total", help: "Client authentications by method and outcome.", labelNames: ["method", "outcome"], registers: [registry] });
  }

  tokenRequest(grantType: string, outcome: string): void {
    this.tokenRequests.inc({ grant_type: grantType, outcome: outcome === "issued" ? outcome : errorLabel(outcome) });
  }

  clientAuthentication(method: string, outcome: "success" | "failure"): void {
    this.clientAuthentications.inc({ method, outcome });
  }
}
