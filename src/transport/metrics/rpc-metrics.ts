import { Code } from "@connectrpc/connect";
import type { Registry } from "prom-client";
import { HotPathCounter, HotPathHistogram } from "./hot-path-metrics.js";

/** gRPC status names (grpc/status.proto: OK, INVALID_ARGUMENT …) by code, as metric labels. */
const STATUS_NAMES: ReadonlyMap<number, string> = new Map([
  [0, "OK"],
  ...Object.entries(Code)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number")
    .map(([name, code]) => [code, name.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase()] as const),
]);

/** Calls and latencies of the internal listener per method (`<service>/<Method>`, a fixed set) and gRPC status. */
export class RpcMetrics {
  private readonly calls: HotPathCounter<"method" | "code">;
  private readonly duration: HotPathHistogram<"method">;

  constructor(registry: Registry) {
    this.calls = new HotPathCounter({ name: "portcullis_rpc_requests_total", help: "Internal RPCs by method and gRPC status code.", labelNames: ["method", "code"], registers: [registry] });
    this.duration = new HotPathHistogram({
      name: "portcullis_rpc_request_duration_seconds",
      help: "Internal RPC latency by method (for streams: until the stream is open).",
      labelNames: ["method"],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    });
  }

  /** Records one finished call with its status code (0 = OK). */
  observe(method: string, code: number, seconds: number): void {
    this.calls.inc(method, STATUS_NAMES.get(code) ?? "UNKNOWN");
    this.duration.observe(method, seconds);
  }
}
