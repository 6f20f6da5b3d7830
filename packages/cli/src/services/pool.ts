/** pool status: warm/pending/claimed counts of each configured warm pool, read from the backend (the source of truth). */
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
  const profile = ctx.config.security.profile;
  const pools = await Promise.all(
    images.map(async (image): Promise<PoolStatus> => {
      const pool = { key: poolKey(image, profile), image, profile };
      const counts = await backend.warmPool?.counts(pool, ctx.signal ? { signal: ctx.signal } : {});
      return { key: pool.key, image, profile, target, max, warm: 0, pending: 0, claimed: 0, ...counts };
    }),
  );
  return { backend: id, pools };
}
