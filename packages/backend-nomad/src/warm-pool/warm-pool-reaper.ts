/** reap(): expired claims, crash leftovers and dead warm children, so a crash never leaks capacity for good. */
import { hasErrorCode } from "@agentkernel/core";
import { reapColdSandboxes } from "./cold-reaper.js";
import { dropNameLock } from "./name-lock.js";
import type { NameRecords } from "./name-records.js";
import { isLiveJob, listClaims, listJobs, purgeJob, type WarmPoolContext } from "./warm-pool-context.js";
import { CLAIMS_PREFIX, claimPath, WARM_JOB_PREFIX } from "./warm-pool-ids.js";
import { deleteVariable, removeByName } from "./warm-pool-remove.js";

async function readItems(ctx: WarmPoolContext, path: string, signal?: AbortSignal) {
  try {
    return (await ctx.client().variables.read(path, { namespace: ctx.namespace, signal })).data;
  } catch (err) {
    if (hasErrorCode(err, "NOT_FOUND")) return undefined;
    throw err;
  }
}

async function nameOwns(names: NameRecords, name: string | undefined, jobId: string, signal?: AbortSignal): Promise<boolean> {
  if (!name) return false;
  const stored = await names.read(name, signal);
  return stored?.record.kind === "warm" && stored.record.jobId === jobId;
}

/**
 * One sweep; resolves with how many sandboxes (jobs) it removed. Idempotent and safe to run from several
 * replicas at once (purges are idempotent, record deletes use check-and-set or tolerate "already gone"):
 * 1. claims past their deadline → the sandbox is removed (job, claim, name);
 * 2. claims whose child job is gone → the records go (a claimed child that failed stays visible as failed
 *    until it is removed or expires, like a cold sandbox);
 * 3. claims older than the grace period with no name record pointing back (claimer crashed mid-claim) → removed.
 * 4. dead (failed, lost, exited) unclaimed children → purged, so upkeep replaces them;
 * 5. cold sandboxes past created-at + ttlSeconds (e.g. left by a crashed `run`) → purged (see cold-reaper.ts).
 * A claimed child never loses its claim record while it runs (every path purges the job first), so no used
 * sandbox can look warm again. Cold name records left by a crashed create are repaired lazily by the next
 * create of that name (see takeName), not by scanning every name here.
 */
export async function reapWarmPool(ctx: WarmPoolContext, now: Date, signal?: AbortSignal): Promise<number> {
  let removed = 0;
  const children = new Map((await listJobs(ctx, WARM_JOB_PREFIX, signal)).filter((j) => j.ParentID).map((j) => [j.ID, j]));
  const claims = await listClaims(ctx, CLAIMS_PREFIX, signal);
  const graceEdge = now.getTime() - ctx.graceMs;

  for (const [jobId, meta] of claims) {
    const path = claimPath(jobId);
    const job = children.get(jobId);
    if (!job) {
      const items = (await readItems(ctx, path, signal))?.Items;
      if (items?.name && (await nameOwns(ctx.names, items.name, jobId, signal)))
        await ctx.names.remove(items.name, undefined, signal);
      if (items?.name) await dropNameLock(ctx, items.name, jobId, signal);
      await deleteVariable(ctx, path, meta.ModifyIndex, signal);
      continue;
    }
    const items = (await readItems(ctx, path, signal))?.Items ?? {};
    const expired = items.expiresAt !== undefined && Date.parse(items.expiresAt) <= now.getTime();
    if (expired && items.name && (await nameOwns(ctx.names, items.name, jobId, signal))) {
      await removeByName(ctx, items.name, signal);
      removed++;
      continue;
    }
    const claimedAt = Date.parse(items.claimedAt ?? "") || meta.CreateTime / 1e6;
    if (expired || (claimedAt < graceEdge && !(await nameOwns(ctx.names, items.name, jobId, signal)))) {
      await purgeJob(ctx, jobId, signal);
      // A claimer that crashed mid-claim may have taken the name lock already; only a lock pointing here goes.
      if (items.name) await dropNameLock(ctx, items.name, jobId, signal);
      await deleteVariable(ctx, path, meta.ModifyIndex, signal);
      removed++;
    }
  }

  for (const [jobId, job] of children) {
    if (claims.has(jobId) || isLiveJob(job)) continue;
    await purgeJob(ctx, jobId, signal);
    removed++;
  }
  removed += await reapColdSandboxes(ctx, now, signal);
  return removed;
}
