/** counts(): warm / pending / claimed of one pool, read from Nomad (child jobs + claim records), never from memory. */
import type { WarmPoolCounts, WarmPoolSpec } from "@agentkernel/core";
import { GROUP_NAME } from "../job-meta.js";
import { isLiveJob, listClaims, listJobs, type WarmPoolContext } from "./warm-pool-context.js";
import { CLAIMS_PREFIX, parentJobId, poolSlug } from "./warm-pool-ids.js";

/**
 * Two paged listings: the pool's children (job stubs carry the summary counts) and its claim records.
 * Dead children count nowhere (the reaper purges them and upkeep replaces them).
 */
export async function countWarmPool(ctx: WarmPoolContext, pool: WarmPoolSpec, signal?: AbortSignal): Promise<WarmPoolCounts> {
  const [children, claims] = await Promise.all([
    listJobs(ctx, `${parentJobId(pool)}/`, signal),
    listClaims(ctx, `${CLAIMS_PREFIX}${poolSlug(pool.key)}/`, signal),
  ]);
  const counts: WarmPoolCounts = { warm: 0, pending: 0, claimed: 0 };
  for (const job of children) {
    if (!isLiveJob(job)) continue;
    if (claims.has(job.ID)) {
      counts.claimed++;
      continue;
    }
    const s = job.JobSummary?.Summary?.[GROUP_NAME];
    if (s && s.Running > 0) counts.warm++;
    else counts.pending++;
  }
  return counts;
}
