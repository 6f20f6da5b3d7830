/** Removing a sandbox by name, warm or cold: purge its job first, then its claim record, then its name record. */
import { hasErrorCode } from "@agentkernel/core";
import { VariableConflictError } from "../client/index.js";
import { jobIdFor } from "../job-meta.js";
import { purgeJob, type WarmPoolContext } from "./warm-pool-context.js";
import { claimPath } from "./warm-pool-ids.js";

/** Deletes a variable, ignoring "already gone" and "someone else's now" (a lost check-and-set). */
export async function deleteVariable(ctx: WarmPoolContext, path: string, cas?: number, signal?: AbortSignal): Promise<void> {
  try {
    await ctx.client().variables.delete(path, {
      namespace: ctx.namespace,
      idempotent: true,
      signal,
      ...(cas !== undefined ? { cas } : {}),
    });
  } catch (err) {
    if (err instanceof VariableConflictError || hasErrorCode(err, "NOT_FOUND")) return;
    throw err;
  }
}

/**
 * Removes the sandbox `name` wherever it lives. One purge of `agentkernel-<name>` settles the common case: Nomad
 * answers a purged sandbox job with an evaluation ID, and a name lock (parameterized, see name-lock.ts) or a
 * missing job with none (REFERENCE §1.4). Only then is the name record read, and a claimed warm sandbox's child
 * purged before its claim record and name record go, so a claim record never vanishes while its (used) child still
 * runs and would look warm again. Idempotent: a missing sandbox is not an error.
 */
export async function removeByName(ctx: WarmPoolContext, name: string, signal?: AbortSignal): Promise<void> {
  const purged = await ctx.client().jobs.deregister(jobIdFor(name), { namespace: ctx.namespace, purge: true, signal });
  if (purged.data.EvalID) return;
  const stored = await ctx.names.read(name, signal);
  if (!stored) return;
  if (stored.record.kind === "warm") {
    await purgeJob(ctx, stored.record.jobId, signal);
    await deleteVariable(ctx, claimPath(stored.record.jobId), undefined, signal);
  }
  await ctx.names.remove(name, stored.modifyIndex, signal);
}
