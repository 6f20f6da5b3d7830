/** The few hooks nomad-backend.ts calls so names resolve and reserve through name records (kept here, out of its way). */
import { hasErrorCode, type SandboxInfo } from "@agentkernel/core";
import type { JobInfo, NomadClient } from "../client/index.js";
import { jobIdFor } from "../job-meta.js";
import type { NameRecords } from "./name-records.js";
import { claimDeadline } from "./warm-pool-claim.js";
import { claimPath } from "./warm-pool-ids.js";

/** What the backend hooks need: the name records, a client and the namespace. */
export interface NameScope {
  names: NameRecords;
  client: () => NomadClient;
  namespace: string | undefined;
  /** When this process last pushed each claimed child's idle deadline forward (ms since epoch). */
  touched?: Map<string, number>;
}

/**
 * Use of a claimed sandbox (get, exec, files, logs through the backend) pushes its idle deadline forward.
 * Throttled: at most one read per sandbox per minute per process, and a check-and-set write only once a quarter
 * of the idle time has passed (every 15 min by default); a lost check-and-set means someone else just pushed it.
 * Best effort: a failure never fails the caller's operation.
 */
export async function touchClaim(scope: NameScope, jobId: string, signal?: AbortSignal): Promise<void> {
  const touched = scope.touched;
  if (!touched) return;
  const last = touched.get(jobId) ?? 0;
  const path = claimPath(jobId);
  try {
    if (Date.now() - last < 60_000) return;
    const { data } = await scope.client().variables.read(path, { namespace: scope.namespace, signal });
    const items = data.Items ?? {};
    const idleSeconds = Number(items.idleSeconds);
    if (!items.name || !Number.isFinite(idleSeconds) || idleSeconds <= 0) return;
    const expires = Date.parse(items.expiresAt ?? "");
    const fresh = claimDeadline(new Date(), idleSeconds, items.ttlAt);
    touched.set(jobId, Date.now());
    // Only worth a write once a quarter of the idle time has passed since the last push.
    if (!Number.isNaN(expires) && fresh.getTime() - expires < (idleSeconds * 1000) / 4) return;
    await scope
      .client()
      .variables.write(
        path,
        { ...items, expiresAt: fresh.toISOString() },
        { cas: data.ModifyIndex, namespace: scope.namespace, signal },
      );
  } catch {
    // Best effort (see above).
  }
}

/**
 * The claimed warm child `childJobId` (named by the name lock `agentkernel-<name>`), or undefined when it is gone.
 * Reading it counts as use of the claim (see touchClaim).
 */
export async function readWarmChild(scope: NameScope, childJobId: string, signal?: AbortSignal): Promise<JobInfo | undefined> {
  try {
    const job = (await scope.client().jobs.info(childJobId, { namespace: scope.namespace, signal })).data;
    await touchClaim(scope, childJobId, signal);
    return job;
  } catch (err) {
    if (hasErrorCode(err, "NOT_FOUND")) return undefined;
    throw err;
  }
}

/** True when `job` is not the cold job of `name` (so it is a claimed warm child). */
export function isWarmJobOf(job: Pick<JobInfo, "ID">, name: string): boolean {
  return job.ID !== jobIdFor(name);
}

/** A warm child's SandboxInfo shows the claimed name, its labels and claim time (its Meta is the pool's). */
export async function warmOverlay(scope: NameScope, name: string, info: SandboxInfo, signal?: AbortSignal): Promise<SandboxInfo> {
  const stored = await scope.names.read(name, signal);
  const claimedAt = stored ? Date.parse(stored.record.createdAt) : Number.NaN;
  return {
    ...info,
    name,
    labels: { ...(stored?.record.labels ?? {}) },
    ...(Number.isNaN(claimedAt) ? {} : { createdAt: new Date(claimedAt) }),
    refs: { ...info.refs, ...(stored?.record.pool ? { warmPool: stored.record.pool } : {}) },
  };
}
