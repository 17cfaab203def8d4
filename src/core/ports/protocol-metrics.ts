import type { InjectionToken } from "tsyringe";

/** What core counts for operators (Prometheus, transport/metrics); callers pass bounded values ("other" for anything unknown). */
export interface ProtocolMetrics {
  /** One token request (RFC 6749 §3.2) by grant type: `issued`, or the OAuth error code it ended with (§5.2). */
  tokenRequest(grantType: string, outcome: string): void;
  /** One client authentication (RFC 6749 §2.3) by detected method. */
  clientAuthentication(method: string, outcome: "success" | "failure"): void;
}

export const ProtocolMetricsToken: InjectionToken<ProtocolMetrics> = Symbol("ProtocolMetrics");
