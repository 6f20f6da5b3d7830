/** Plain counters and a latency histogram (prometheus-style cumulative buckets plus p50/p99); the server maps them to prom-client. */

/** Default bucket upper bounds in ms: sub-millisecond claims up to multi-second cold starts. */
export const DEFAULT_LATENCY_BUCKETS_MS = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000];

/** One cumulative bucket: how many observations were ≤ `le` ms (`le: Infinity` holds them all). */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** A point-in-time copy of a histogram. Quantiles come from the most recent samples (see `window`). */
export interface HistogramSnapshot {
  buckets: HistogramBucket[];
  count: number;
  sumMs: number;
  /** Median and 99th percentile in ms; undefined before the first observation. */
  p50: number | undefined;
  p99: number | undefined;
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted: readonly number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Latency histogram: cumulative buckets over every observation (what Prometheus wants) and exact p50/p99 over
 * the last `window` observations (bounded memory, recent behaviour).
 */
export class LatencyHistogram {
  readonly #bounds: number[];
  readonly #counts: number[];
  readonly #window: number;
  readonly #recent: number[] = [];
  #next = 0;
  #count = 0;
  #sum = 0;

  constructor(bucketsMs: readonly number[] = DEFAULT_LATENCY_BUCKETS_MS, window = 10_000) {
    this.#bounds = [...bucketsMs].sort((a, b) => a - b);
    this.#counts = new Array(this.#bounds.length + 1).fill(0);
    this.#window = window;
  }

  /** Records one duration in ms. */
  observe(ms: number): void {
    let i = this.#bounds.findIndex((b) => ms <= b);
    if (i < 0) i = this.#bounds.length;
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
    this.#count++;
    this.#sum += ms;
    if (this.#recent.length < this.#window) this.#recent.push(ms);
    else this.#recent[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#window;
  }

  /** Cumulative buckets, count, sum and quantiles. */
  snapshot(): HistogramSnapshot {
    let running = 0;
    const buckets: HistogramBucket[] = this.#bounds.map((le, i) => {
      running += this.#counts[i] ?? 0;
      return { le, count: running };
    });
    buckets.push({ le: Number.POSITIVE_INFINITY, count: this.#count });
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return { buckets, count: this.#count, sumMs: this.#sum, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
  }
}

/** Everything the pool counts; `stats()` returns a copy. */
export interface PoolMetrics {
  /** Acquires served from a warm pool. */
  hits: number;
  /** Acquires that fell back to a cold create + start (no matching pool, or none warm). */
  misses: number;
  /** Successful warm claims, measured around the provider's `claim()`. */
  claimLatency: LatencyHistogram;
  /** Cold fallbacks, measured around create + start. */
  coldLatency: LatencyHistogram;
  /** Upkeep rounds run, failed, and warm sandboxes dispatched by them. */
  upkeepRounds: number;
  upkeepFailures: number;
  dispatched: number;
  /** Sandboxes removed by the reaper. */
  reaped: number;
}

/** Fresh, zeroed metrics. */
export function createPoolMetrics(): PoolMetrics {
  return {
    hits: 0,
    misses: 0,
    claimLatency: new LatencyHistogram(),
    coldLatency: new LatencyHistogram(),
    upkeepRounds: 0,
    upkeepFailures: 0,
    dispatched: 0,
    reaped: 0,
  };
}
