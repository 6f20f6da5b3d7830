/** createWarmPool: acquire from a warm pool (or fall back to a cold start), release, upkeep, stats, drain, cleanup. */
import { performance } from "node:perf_hooks";
import {
  CapabilityUnsupportedError,
  type OperationOptions,
  parseSandboxSpec,
  type SandboxInfo,
  type SandboxSpec,
  type WarmPoolCounts,
} from "@agentkernel/core";
import { createPoolMetrics, type HistogramSnapshot } from "./metrics.js";
import { isTransient, Upkeep } from "./upkeep.js";
import { matchPool, resolveWarmPoolOptions, type WarmPoolOptions } from "./warm-pool-options.js";

/** What `acquire` hands back: the sandbox, and whether it came warm from a pool. */
export interface AcquireResult {
  sandbox: SandboxInfo;
  warm: boolean;
}

/** One pool's numbers: counts as of the last upkeep round (read from the backend), plus target and max. */
export interface PoolStats extends WarmPoolCounts {
  target: number;
  max: number;
}

/** Everything `stats()` reports (the CLI's `pool status` and the server's /metrics read this). */
export interface WarmPoolStats {
  perPool: Record<string, PoolStats>;
  hits: number;
  misses: number;
  claimLatency: HistogramSnapshot;
  coldLatency: HistogramSnapshot;
  upkeep: { rounds: number; failures: number; backingOff: boolean; dispatched: number; reaped: number; lastError?: string };
}

/** A running warm pool manager. */
export interface WarmPool {
  /** Makes the pools exist and runs the first upkeep round; then upkeep runs every `upkeepIntervalMs`. */
  start(): Promise<void>;
  /** A running sandbox for `spec`: claimed warm when a pool matches and has one, else created and started cold. */
  acquire(spec: SandboxSpec, options?: OperationOptions): Promise<AcquireResult>;
  /** Removes a sandbox (warm or cold); its pool slot is refilled by upkeep. */
  release(name: string, options?: OperationOptions): Promise<void>;
  /** Runs one upkeep round now and resolves with fresh stats (for `pool status` and tests). */
  refresh(): Promise<WarmPoolStats>;
  stats(): WarmPoolStats;
  /** Stops upkeep (claims keep working; nothing is refilled). */
  drain(): Promise<void>;
  /** Drains, then removes every pool's unclaimed warm sandboxes (claimed ones stay); resolves with how many. */
  cleanup(): Promise<number>;
}

/** Creates the manager. Nothing starts until `start()`. */
export function createWarmPool(options: WarmPoolOptions): WarmPool {
  const o = resolveWarmPoolOptions(options);
  const { provider, backend, logger } = o;
  const metrics = createPoolMetrics();
  const upkeep = provider ? new Upkeep(o, provider, metrics) : undefined;

  const cold = async (spec: SandboxSpec, reason: string, opts: OperationOptions): Promise<AcquireResult> => {
    metrics.misses++;
    logger.debug({ name: spec.name, reason }, "warm pool: no warm sandbox; starting cold");
    if (!backend)
      throw new CapabilityUnsupportedError(`cold start of "${spec.name}" (${reason}): createWarmPool was given no backend`);
    const started = performance.now();
    await backend.create(spec, opts);
    try {
      const sandbox = await backend.start(spec.name, opts);
      metrics.coldLatency.observe(performance.now() - started);
      return { sandbox, warm: false };
    } catch (err) {
      // A half-made sandbox would hold the name: remove it, the caller gets the start error.
      await backend.remove(spec.name).catch(() => undefined);
      throw err;
    }
  };

  const stats = (): WarmPoolStats => {
    const perPool: Record<string, PoolStats> = {};
    for (const pool of o.pools) {
      const c = upkeep?.counts.get(pool.key) ?? { warm: 0, pending: 0, claimed: 0 };
      perPool[pool.key] = { ...c, target: o.targetSize, max: o.maxSize };
    }
    const last = upkeep?.lastError;
    return {
      perPool,
      hits: metrics.hits,
      misses: metrics.misses,
      claimLatency: metrics.claimLatency.snapshot(),
      coldLatency: metrics.coldLatency.snapshot(),
      upkeep: {
        rounds: metrics.upkeepRounds,
        failures: metrics.upkeepFailures,
        backingOff: upkeep?.backingOff ?? false,
        dispatched: metrics.dispatched,
        reaped: metrics.reaped,
        ...(last ? { lastError: last instanceof Error ? last.message : String(last) } : {}),
      },
    };
  };

  return {
    async start() {
      if (!upkeep) return;
      try {
        await upkeep.runOnce();
      } catch (err) {
        // Unavailable backends heal (upkeep backs off and retries); bad config or permissions will not.
        if (!isTransient(err)) throw err;
      } finally {
        upkeep.start();
      }
    },

    async acquire(input, opts = {}) {
      const spec = parseSandboxSpec(input);
      const match = matchPool(spec, o);
      if (!("pool" in match) || !provider) return cold(spec, "pool" in match ? "no warm-pool provider" : match.reason, opts);
      const started = performance.now();
      const sandbox = await provider.claim(match.pool, spec, opts);
      if (!sandbox) {
        upkeep?.kick();
        return cold(spec, `pool ${match.pool.key} has no warm sandbox`, opts);
      }
      metrics.claimLatency.observe(performance.now() - started);
      metrics.hits++;
      const c = upkeep?.counts.get(match.pool.key);
      if (c) {
        c.warm = Math.max(0, c.warm - 1);
        c.claimed++;
      }
      upkeep?.kick();
      return { sandbox, warm: true };
    },

    async release(name, opts = {}) {
      if (provider) await provider.release(name, opts);
      else await backend?.remove(name, opts);
      upkeep?.kick();
    },

    async refresh() {
      await upkeep?.runOnce();
      return stats();
    },

    stats,

    async drain() {
      await upkeep?.stop();
    },

    async cleanup() {
      await upkeep?.stop();
      if (!provider) return 0;
      let removed = 0;
      for (const pool of o.pools) removed += await provider.cleanup(pool);
      return removed;
    },
  };
}
