/** The cold-sandbox TTL reaper: purges managed sandbox jobs past created-at + ttlSeconds (e.g. a crashed `run`'s). */
import { JOB_PREFIX, MANAGED_FILTER, META_CREATED_AT, META_MANAGED, META_TTL_SECONDS } from "../job-meta.js";
import { purgeJob, type WarmPoolContext } from "./warm-pool-context.js";

/**
 * Managed sandbox jobs that carry a TTL. The TTL clause only narrows the listing: every job is checked again
 * here. It relies on a missing Meta key never matching, which MANAGED_FILTER (used by `list`) relies on too,
 * for pool parents and children have no `agentkernel-managed` key.
 */
export const COLD_TTL_FILTER = `${MANAGED_FILTER} and Meta["${META_TTL_SECONDS}"] is not empty`;

/**
 * When a cold sandbox job expires (created-at + ttlSeconds from its Meta), or undefined when it has no valid TTL
 * or creation time: such a job is never reaped, a guess must not remove someone's sandbox.
 */
export function coldExpiry(meta: Record<string, string> | null | undefined): Date | undefined {
  const ttlText = meta?.[META_TTL_SECONDS] ?? "";
  const ttl = Number(ttlText);
  const created = Date.parse(meta?.[META_CREATED_AT] ?? "");
  if (!/^\d+$/.test(ttlText) || ttl <= 0 || Number.isNaN(created)) return undefined;
  return new Date(created + ttl * 1000);
}

/**
 * One sweep over cold sandboxes: one paged, server-filtered listing of managed jobs with their Meta, then every
 * job whose created-at + ttlSeconds is at or before `now` is purged. Jobs without a TTL are kept, and so are
 * pool parents, their children and name locks (not managed). A claimed warm sandbox's TTL is in its claim, which
 * reapWarmPool enforces. A cold name record, where one is kept, is taken over by the next create of that name, as
 * after any crashed create. Idempotent and safe from several replicas at once (purging a missing job succeeds).
 * Resolves with how many jobs it purged.
 */
export async function reapColdSandboxes(ctx: WarmPoolContext, now: Date, signal?: AbortSignal): Promise<number> {
  const expired: string[] = [];
  const jobs = ctx.client().jobs.listAll({
    namespace: ctx.namespace,
    filter: COLD_TTL_FILTER,
    meta: true,
    perPage: 500,
    signal,
  });
  for await (const job of jobs) {
    // Checked again here: the filter is only an optimisation, and a parameterized job is never a cold sandbox.
    if (job.Meta?.[META_MANAGED] !== "true" || job.ParameterizedJob || !job.ID.startsWith(JOB_PREFIX)) continue;
    const expiresAt = coldExpiry(job.Meta);
    if (expiresAt !== undefined && expiresAt.getTime() <= now.getTime()) expired.push(job.ID);
  }
  // Purged after the listing ends, so no page request waits behind purges (and the listing is one pass).
  for (const jobId of expired) await purgeJob(ctx, jobId, signal);
  return expired.length;
}
