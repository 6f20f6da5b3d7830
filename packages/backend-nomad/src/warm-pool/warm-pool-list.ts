/** Claimed warm sandboxes for `list`: pool children that have a claim record and a name record pointing back. */
import { hasErrorCode, type SandboxInfo } from "@agentkernel/core";
import type { JobListStub } from "../client/index.js";
import { sandboxInfo, statusFromSummary } from "../sandbox-status.js";
import { listClaims, type WarmPoolContext } from "./warm-pool-context.js";
import { CLAIMS_PREFIX, claimPath, WARM_JOB_PREFIX } from "./warm-pool-ids.js";

/**
 * Two paged listings (children with Meta, claim records) plus two reads per claimed sandbox (claim record for
 * the name, name record for labels and claim time). Children whose claim was made by `cleanup` carry no name.
 */
export async function listClaimedSandboxes(ctx: WarmPoolContext, signal?: AbortSignal): Promise<SandboxInfo[]> {
  const claims = await listClaims(ctx, CLAIMS_PREFIX, signal);
  if (claims.size === 0) return [];
  const children = new Map<string, JobListStub>();
  for await (const job of ctx
    .client()
    .jobs.listAll({ prefix: WARM_JOB_PREFIX, namespace: ctx.namespace, meta: true, perPage: 500, signal })) {
    if (job.ParentID) children.set(job.ID, job);
  }
  const out: SandboxInfo[] = [];
  for (const jobId of claims.keys()) {
    const job = children.get(jobId);
    if (!job) continue;
    const claim = await ctx
      .client()
      .variables.read(claimPath(jobId), { namespace: ctx.namespace, signal })
      .catch((err: unknown) => (hasErrorCode(err, "NOT_FOUND") ? undefined : Promise.reject(err)));
    const name = claim?.data.Items?.name;
    if (!name) continue;
    const stored = await ctx.names.read(name, signal);
    if (stored?.record.kind !== "warm" || stored.record.jobId !== jobId) continue;
    const info = sandboxInfo(job, { status: statusFromSummary(job) }, undefined, "nomad");
    const claimedAt = Date.parse(stored.record.createdAt);
    out.push({
      ...info,
      name,
      labels: { ...(stored.record.labels ?? {}) },
      ...(Number.isNaN(claimedAt) ? {} : { createdAt: new Date(claimedAt) }),
      refs: { ...info.refs, ...(stored.record.pool ? { warmPool: stored.record.pool } : {}) },
    });
  }
  return out;
}
