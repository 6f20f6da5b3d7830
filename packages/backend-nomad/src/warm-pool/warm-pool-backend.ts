/** The few hooks nomad-backend.ts calls so names resolve and reserve through name records (kept here, out of its way). */
import { hasErrorCode, type SandboxInfo } from "@agentkernel/core";
import type { JobInfo, NomadClient } from "../client/index.js";
import { jobIdFor } from "../job-meta.js";
import type { NameRecords, StoredNameRecord } from "./name-records.js";

/** Age after which a cold name record without its job is a crashed create's leftover. */
const STALE_COLD_MS = 60_000;

/** What create needs to hold a name: the records, a client and the namespace. */
export interface NameScope {
  names: NameRecords;
  client: () => NomadClient;
  namespace: string | undefined;
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
    return (await scope.client().jobs.info(stored.record.jobId, { namespace: scope.namespace, signal })).data;
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
