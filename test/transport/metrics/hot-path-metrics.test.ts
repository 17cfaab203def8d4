import assert from "node:assert/strict";
import { test } from "node:test";
import { AggregatorRegistry, Counter, Histogram, Registry } from "prom-client";
import { HotPathCounter, HotPathHistogram } from "../../../src/transport/metrics/hot-path-metrics.js";

const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVATIONS: ReadonlyArray<[string, number, number]> = [
  ["/token", 200, 0.0004],
  ["/token", 200, 0.001],
  ["/token", 400, 0.05],
  ["/introspect", 200, 0.3],
  ["/introspect", 200, 7],
  ["/token", 200, 0.02],
];

/** The same observations through prom-client's own Counter and Histogram, and through the hot-path ones. */
function registries(): { reference: Registry; hot: Registry } {
  const reference = new Registry();
  const hot = new Registry();
  const config = (registry: Registry) => ({ name: "t_requests_total", help: "Requests.", labelNames: ["endpoint", "status"] as const, registers: [registry] });
  const durations = (registry: Registry) => ({ name: "t_duration_seconds", help: "Latency.", labelNames: ["endpoint"] as const, buckets: BUCKETS, registers: [registry] });
  const counter = new Counter(config(reference));
  const histogram = new Histogram(durations(reference));
  const hotCounter = new HotPathCounter(config(hot));
  const hotHistogram = new HotPathHistogram(durations(hot));
  for (const [endpoint, status, seconds] of OBSERVATIONS) {
    counter.inc({ endpoint, status: String(status) });
    histogram.observe({ endpoint }, seconds);
    hotCounter.inc(endpoint, status);
    hotHistogram.observe(endpoint, seconds);
  }
  return { reference, hot };
}

test("hot-path counter and histogram expose exactly what prom-client's own would for the same observations", async () => {
  const { reference, hot } = registries();
  assert.equal(await hot.metrics(), await reference.metrics());
});

test("they aggregate across cluster workers as prom-client's do, and reset empties them", async () => {
  const { reference, hot } = registries();
  const twice = async (registry: Registry) => AggregatorRegistry.aggregate([await registry.getMetricsAsJSON(), await registry.getMetricsAsJSON()]).metrics();
  assert.equal(await twice(hot), await twice(reference));
  hot.resetMetrics();
  reference.resetMetrics();
  assert.equal(await hot.metrics(), await reference.metrics());
});
