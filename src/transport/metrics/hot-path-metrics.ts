import type { Registry } from "prom-client";

type LabelValue = string | number;

/** One sample as prom-client's `Metric.get()` gives it (`metricName` for a histogram's `_bucket`/`_sum`/`_count`). */
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** What prom-client's `Metric.get()` returns, which its Registry renders and its AggregatorRegistry sums. */
interface MetricSnapshot {
  name: string;
  help: string;
  type: "counter" | "histogram";
  aggregator: "sum";
  values: Sample[];
}

interface MetricConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
}

/** What prom-client's Registry needs of a metric (its exposition and cluster aggregation call `get`). */
abstract class RegisteredMetric<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = "sum" as const;
  protected readonly labelNames: readonly L[];

  constructor(config: MetricConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.labelNames = config.labelNames;
    for (const registry of config.registers) registry.registerMetric(this as never);
  }

  protected labelsOf(values: readonly LabelValue[]): Record<L, string> {
    return Object.fromEntries(this.labelNames.map((name, index) => [name, String(values[index])])) as Record<L, string>;
  }

  abstract reset(): void;
}

/**
 * A Prometheus counter with two labels whose series are found through nested Maps of the label values as given (numbers
 * stay numbers): `inc` builds no label object and hashes no string, unlike prom-client's (DESIGN "Hot paths").
 * Exposed through the same Registry, in prom-client's own metric format.
 */
export class HotPathCounter<L extends string> extends RegisteredMetric<L> {
  #series = new Map<LabelValue, Map<LabelValue, { values: LabelValue[]; count: number }>>();

  /** Adds one to the series of `first`, `second` (in `labelNames` order). */
  inc(first: LabelValue, second: LabelValue): void {
    let inner = this.#series.get(first);
    if (!inner) this.#series.set(first, (inner = new Map()));
    const series = inner.get(second);
    if (series) series.count += 1;
    else inner.set(second, { values: [first, second], count: 1 });
  }

  get(): MetricSnapshot {
    const values: Sample[] = [];
    for (const inner of this.#series.values()) for (const series of inner.values()) values.push({ labels: this.labelsOf(series.values), value: series.count });
    return { name: this.name, help: this.help, type: "counter", aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series = new Map();
  }
}

interface HistogramSeries {
  value: LabelValue;
  buckets: Float64Array;
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram with one label, kept as per-bucket counts in a typed array per label value: `observe` allocates
 * nothing and hashes no string (DESIGN "Hot paths"); exposed in prom-client's format (cumulative `le` buckets, `+Inf`).
 */
export class HotPathHistogram<L extends string> extends RegisteredMetric<L> {
  readonly #bounds: readonly number[];
  #series = new Map<LabelValue, HistogramSeries>();

  constructor(config: MetricConfig<L> & { buckets: readonly number[] }) {
    super(config);
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
  }

  /** Records one observation of `seconds` for the label value `first`. */
  observe(first: LabelValue, seconds: number): void {
    let series = this.#series.get(first);
    if (!series) this.#series.set(first, (series = { value: first, buckets: new Float64Array(this.#bounds.length), sum: 0, count: 0 }));
    series.sum += seconds;
    series.count += 1;
    const bounds = this.#bounds;
    for (let index = 0; index < bounds.length; index += 1) {
      if (seconds <= bounds[index]!) {
        series.buckets[index]! += 1;
        break;
      }
    }
  }

  get(): MetricSnapshot {
    const values: Sample[] = [];
    for (const series of this.#series.values()) {
      const labels = this.labelsOf([series.value]);
      let cumulative = 0;
      this.#bounds.forEach((bound, index) => {
        cumulative += series.buckets[index]!;
        values.push({ labels: { le: bound, ...labels }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { le: "+Inf", ...labels }, value: series.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: "histogram", aggregator: this.aggregator, values };
  }

  reset(): void {
    this.#series = new Map();
  }
}
