import { ConnectError, type Interceptor } from "@connectrpc/connect";
import type { RpcMetrics } from "../../metrics/rpc-metrics.js";

/** Counts each call and its latency by method and status; outermost, so it sees the status the caller gets. */
export function metricsInterceptor(metrics: RpcMetrics): Interceptor {
  return (next) => async (request) => {
    const method = `${request.service.typeName}/${request.method.name}`;
    const started = performance.now();
    try {
      const response = await next(request);
      metrics.observe(method, 0, (performance.now() - started) / 1000);
      return response;
    } catch (thrown) {
      metrics.observe(method, ConnectError.from(thrown).code, (performance.now() - started) / 1000);
      throw thrown;
    }
  };
}
