/** pool status and pool reap: counts of each configured warm pool, and one reaper sweep, on the backend (the source of truth). */
import { CapabilityUnsupportedError, poolKey, type WarmPoolCounts } from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";

/** One pool's line in `pool status`. */
export interface PoolStatus extends WarmPoolCounts {
  key: string;
  image: string;
  profile: string;
  /** orchestrator.warm_pool_size. */
  target: number;
  /** orchestrator.max_pool_size. */
  max: number;
}

/** Counts of every pool in orchestrator.warm_pool_images on the default backend. */
export async function poolStatus(ctx: CliContext): Promise<{ backend: string; pools: PoolStatus[] }> {
  const id = ctx.defaultBackend;
  const backend = await ctx.backend(id);
  const { warm_pool_images: images, warm_pool_size: target, max_pool_size: max } = ctx.config.orchestrator;
  if (images.length === 0) return { backend: id, pools: [] };
  if (!backend.warmPool) {
    throw new CapabilityUnsupportedError(`warm pools (the ${id} backend has none; use --backend nomad)`, { backend: id });
  }
  const provider = backend.warmPool;
  const profile = ctx.config.security.profile;
  const pools = await Promise.all(
    images.map(async (image): Promise<PoolStatus> => {
      const pool = { key: poolKey(image, profile), image, profile };
      const counts = await provider.counts(pool, ctx.operationOptions);
      return { key: pool.key, image, profile, target, max, ...counts };
    }),
  );
  return { backend: id, pools };
}

/** What `pool reap` did: how many sandboxes the backend's reaper removed. */
export interface PoolReapResult {
  backend: string;
  reaped: number;
}

/**
 * One reaper sweep on the default backend (Nomad: expired claims, crash leftovers, cold sandboxes past their TTL),
 * for CLI-only users without a server, e.g. from cron. Throws CapabilityUnsupportedError on a backend without one.
 */
export async function poolReap(ctx: CliContext): Promise<PoolReapResult> {
  const id = ctx.defaultBackend;
  const backend = await ctx.backend(id);
  if (!backend.warmPool) {
    throw new CapabilityUnsupportedError(
      `reaping (the ${id} backend has no reaper and does not enforce TTLs; remove its sandboxes with \`agentkernel remove\`, or use --backend nomad)`,
      { backend: id },
    );
  }
  const reaped = await backend.warmPool.reap(ctx.operationOptions);
  return { backend: id, reaped };
}
