/**
 * Name locks: a claimed warm sandbox takes its name by registering job `agentkernel-<name>` with check-and-set
 * "only if new", the very job ID a cold sandbox of that name would use. So warm and cold names are atomic through
 * one Nomad primitive, and a cold create is a single register (no name Variable, no extra round trip).
 *
 * The lock is a parameterized job that is never dispatched: Nomad creates no evaluation for it, never places it,
 * and never garbage-collects it while it is not stopped (a stopped, dead job would be collected after
 * `job_gc_threshold`, freeing the name under a live sandbox). It carries no `agentkernel-managed` meta, so `list`
 * never shows it; its `agentkernel-warm-child` meta names the child job that runs the sandbox.
 */
import { hasErrorCode, type WarmPoolSpec } from "@agentkernel/core";
import type { JobInfo, NomadJob } from "../client/index.js";
import { isJobAlreadyExists } from "../job-cas.js";
import type { JobBuilderSettings } from "../job-builder.js";
import { jobIdFor, META_CLAIMED_AT, META_WARM_CHILD } from "../job-meta.js";
import { buildWarmPoolJob } from "./warm-pool-job.js";
import type { WarmPoolContext } from "./warm-pool-context.js";

/** The child job a name lock points to, or undefined when `job` is not a name lock. */
export function lockedChild(job: Pick<JobInfo, "Meta" | "ParameterizedJob">): string | undefined {
  const child = job.Meta?.[META_WARM_CHILD];
  return job.ParameterizedJob && child ? child : undefined;
}

/** The lock job for `name` → `childJobId`: the pool's parent job (valid as is) under the sandbox's job ID. */
export function buildNameLock(
  name: string,
  childJobId: string,
  pool: WarmPoolSpec,
  settings: JobBuilderSettings,
  claimedAt: string,
): NomadJob {
  const parent = buildWarmPoolJob(pool, settings);
  const id = jobIdFor(name);
  return {
    ...parent,
    ID: id,
    Name: id,
    Meta: { ...parent.Meta, [META_WARM_CHILD]: childJobId, [META_CLAIMED_AT]: claimedAt },
  } as NomadJob;
}

/**
 * Registers the lock (cas=0). Resolves true when we took the name, false when `agentkernel-<name>` exists. A
 * register retried after a lost answer finds its own lock: "already exists" is then read back and recognised.
 */
export async function takeNameLock(ctx: WarmPoolContext, lock: NomadJob, signal?: AbortSignal): Promise<boolean> {
  try {
    await ctx.client().jobs.register(lock, { namespace: ctx.namespace, enforceIndex: true, jobModifyIndex: 0, signal });
    return true;
  } catch (err) {
    if (!isJobAlreadyExists(err)) throw err;
    const current = await ctx
      .client()
      .jobs.info(lock.ID, { namespace: ctx.namespace, signal })
      .then((r) => r.data)
      .catch((e: unknown) => (hasErrorCode(e, "NOT_FOUND") ? undefined : Promise.reject(e)));
    const ours = current !== undefined && lockedChild(current) === lock.Meta?.[META_WARM_CHILD];
    return ours && current?.Meta?.[META_CLAIMED_AT] === lock.Meta?.[META_CLAIMED_AT];
  }
}

/**
 * Purges `agentkernel-<name>` only if it is the lock of `childJobId` (a crashed claim's leftover, or an expired
 * claim's): a cold sandbox or another claim that took the name since is never touched.
 */
export async function dropNameLock(ctx: WarmPoolContext, name: string, childJobId: string, signal?: AbortSignal): Promise<void> {
  let job: JobInfo;
  try {
    job = (await ctx.client().jobs.info(jobIdFor(name), { namespace: ctx.namespace, signal })).data;
  } catch (err) {
    if (hasErrorCode(err, "NOT_FOUND")) return;
    throw err;
  }
  if (lockedChild(job) !== childJobId) return;
  await ctx.client().jobs.deregister(job.ID, { namespace: ctx.namespace, purge: true, signal });
}
