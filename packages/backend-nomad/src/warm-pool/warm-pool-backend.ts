/** The few hooks nomad-backend.ts calls so names resolve and reserve through name records (kept here, out of its way). */
import { hasErrorCode, type SandboxInfo } from "@agentkernel/core";
import type { JobInfo, NomadClient } from "../client/index.js";
import { jobIdFor } from "../job-meta.js";
import type { NameRecords, StoredNameRecord } from "./name-records.js";
import { claimDeadline } from "./warm-pool-claim.js";
import { claimPath } from "./warm-pool-ids.js";

/** Age after which a cold name record without its job is a crashed create's leftover. */
const STALE_COLD_MS = 60_000;

/** What create needs to hold a name: the records, a client and the namespace. */
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

async function jobExists(scope: NameScope, jobId: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await scope.client().jobs.info(jobId, { namespace: scope.namespace, signal });
    return true;
  } catch (err) {
    if (hasErrorCode(err, "NOT_FOUND")) return false;
    throw err;
  }
}

/**
 * Reserves `name` for a cold sandbox before its job is registered. A cold record whose job never appeared
 * (the creator crashed in between) and that is older than a minute is taken over, once, with check-and-set.
 * Returns a function that frees the name again (for a register that then fails).
 */
export async function reserveColdName(
  scope: NameScope,
  name: string,
  signal?: AbortSignal,
): Promise<(keep?: boolean) => Promise<void>> {
  const record = { kind: "cold" as const, jobId: jobIdFor(name), createdAt: new Date().toISOString() };
  let stored: StoredNameRecord;
  try {
    stored = await scope.names.reserve(name, record, signal);
  } catch (err) {
    if (!hasErrorCode(err, "ALREADY_EXISTS")) throw err;
    const current = await scope.names.read(name, signal);
    const stale =
      current?.record.kind === "cold" &&
      Date.now() - Date.parse(current.record.createdAt) > STALE_COLD_MS &&
      !(await jobExists(scope, current.record.jobId, signal));
    if (!stale || !current) throw err;
    await scope.names.remove(name, current.modifyIndex, signal);
    stored = await scope.names.reserve(name, record, signal);
  }
  return async () => {
    await scope.names.remove(name, stored.modifyIndex).catch(() => undefined);
  };
}

/** The warm job behind `name` when the cold job `agentkernel-<name>` does not exist, else undefined. */
export async function readWarmJob(scope: NameScope, name: string, signal?: AbortSignal): Promise<JobInfo | undefined> {
  const stored = await scope.names.read(name, signal);
  if (stored?.record.kind !== "warm") return undefined;
  try {
    const job = (await scope.client().jobs.info(stored.record.jobId, { namespace: scope.namespace, signal })).data;
    await touchClaim(scope, stored.record.jobId, signal);
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
