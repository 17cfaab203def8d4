import { Counter, type Registry } from "prom-client";
import { HotPathCounter, HotPathHistogram } from "./hot-path-metrics.js";
import { errorLabel } from "./error-label.js";

/** Request counts, latencies and OAuth errors of the public listener, per endpoint path and status (why prom-client: the Prometheus exposition format, histograms and process metrics, maintained upstream). */
export class HttpMetrics {
  private readonly requests: HotPathCounter<"endpoint" | "status">;
  private readonly duration: HotPathHistogram<"endpoint">;
  private readonly errors: Counter<"endpoint" | "error">;

  constructor(registry: Registry) {
    this.requests = new HotPathCounter({ name: "portcullis_http_requests_total", help: "Public HTTP requests by endpoint and status.", labelNames: ["endpoint", "status"], registers: [registry] });
    this.duration = new HotPathHistogram({
      name: "portcullis_http_request_duration_seconds",
      help: "Public HTTP request latency by endpoint.",
      labelNames: ["endpoint"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    this.errors = new Counter({ name: "portcullis_oauth_errors_total", help: "OAuth error responses of the public listener by endpoint and error code.", labelNames: ["endpoint", "error"], registers: [registry] });
  }

  /** Records one finished request; `endpoint` is the route path (never the raw URL, which could hold tokens). */
  observe(endpoint: string, status: number, seconds: number): void {
    this.requests.inc(endpoint, status);
    this.duration.observe(endpoint, seconds);
  }

  /** Counts one OAuth error response (RFC 6749 §5.2) of `endpoint`; unknown error codes count as "other". */
  observeError(endpoint: string, error: string): void {
    this.errors.inc({ endpoint, error: errorLabel(error) });
  }
}
