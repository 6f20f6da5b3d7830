/** What every warm-pool operation shares (client, namespace, job settings, name records, index) and listing helpers. */
import type { AllocationListStub, JobListStub, NomadClient, VariableMetadata } from "../client/index.js";
import type { JobBuilderSettings } from "../job-builder.js";
import type { NameRecords } from "./name-records.js";
import { childOfClaimPath } from "./warm-pool-ids.js";
import type { WarmIndex } from "./warm-pool-index.js";

/** Shared state of one Nomad warm-pool provider. */
export interface WarmPoolContext {
  client: () => NomadClient;
  namespace: string | undefined;
  settings: JobBuilderSettings;
  names: NameRecords;
  index: WarmIndex;
  /** Idle deadline written into each claim record, in seconds (default 3600). */
  claimIdleSeconds: number;
  /** How long a half-written claim or name record is left alone before the reaper treats it as a crash leftover. */
  graceMs: number;
  /** Told about every successful claim with the child's running allocation (the backend's exec hint). */
  onClaimed?: (name: string, alloc: AllocationListStub) => void;
}

/** Every job whose ID starts with `prefix` (one request per page of 500). */
export async function listJobs(ctx: WarmPoolContext, prefix: string, signal?: AbortSignal): Promise<JobListStub[]> {
  const out: JobListStub[] = [];
  for await (const job of ctx.client().jobs.listAll({ prefix, namespace: ctx.namespace, perPage: 500, signal })) out.push(job);
  return out;
}

/** Claim record metadata under `prefix`, keyed by the child job ID each one claims. */
export async function listClaims(
  ctx: WarmPoolContext,
  prefix: string,
  signal?: AbortSignal,
): Promise<Map<string, VariableMetadata>> {
  const out = new Map<string, VariableMetadata>();
  let next: string | undefined;
  do {
    const page = await ctx.client().variables.list({ prefix, namespace: ctx.namespace, perPage: 1000, nextToken: next, signal });
    for (const v of page.data) {
      const child = childOfClaimPath(v.Path);
      if (child) out.set(child, v);
    }
    next = page.meta.nextToken;
  } while (next);
  return out;
}

/** Variable metadata under `prefix` (no items). */
export async function listVariables(ctx: WarmPoolContext, prefix: string, signal?: AbortSignal): Promise<VariableMetadata[]> {
  const out: VariableMetadata[] = [];
  let next: string | undefined;
  do {
    const page = await ctx.client().variables.list({ prefix, namespace: ctx.namespace, perPage: 1000, nextToken: next, signal });
    out.push(...page.data);
    next = page.meta.nextToken;
  } while (next);
  return out;
}

/** Purges a job (idempotent: a missing job answers 200). */
export async function purgeJob(ctx: WarmPoolContext, jobId: string, signal?: AbortSignal): Promise<void> {
  await ctx.client().jobs.deregister(jobId, { namespace: ctx.namespace, purge: true, signal });
}

/** True when a child job can still run a sandbox (not stopped, not dead). */
export function isLiveJob(job: Pick<JobListStub, "Stop" | "Status">): boolean {
  return !job.Stop && job.Status !== "dead";
}
