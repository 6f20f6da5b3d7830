/** @agentkernel/pool: a backend-agnostic warm pool manager (upkeep, claims with cold fallback, metrics). */
export {
  DEFAULT_LATENCY_BUCKETS_MS,
  type HistogramBucket,
  type HistogramSnapshot,
  LatencyHistogram,
  quantile,
} from "./metrics.js";
export { deficit, isTransient } from "./upkeep.js";
export {
  type AcquireResult,
  createWarmPool,
  type PoolStats,
  type WarmPool,
  type WarmPoolStats,
} from "./warm-pool.js";
export {
  matchPool,
  SILENT_LOGGER,
  type WarmPoolLogger,
  type WarmPoolOptions,
} from "./warm-pool-options.js";
