/** claim(): take a random warm child with a cas=0 claim record, check it still runs, then take the name (cas=0). */
import { randomUUID } from "node:crypto";
import {
  AlreadyExistsError,
  type SandboxInfo,
  type SandboxSpec,
  type WarmPoolSpec,
  validateSandboxName,
} from "@agentkernel/core";
import { type AllocationListStub, VariableConflictError } from "../client/index.js";
import { PROFILE_HARDENING } from "../profiles.js";
import { currentAlloc, isExecReady } from "../sandbox-status.js";
import { buildNameLock, takeNameLock } from "./name-lock.js";
import { purgeJob, type WarmPoolContext } from "./warm-pool-context.js";
import { claimPath, poolSlug } from "./warm-pool-ids.js";
import { deleteVariable } from "./warm-pool-remove.js";

const BACKEND = "nomad";
/** Candidates tried per claim before giving up (each loser costs one 409). */
const MAX_ATTEMPTS = 64;

/**
 * What a claim record holds. `expiresAt` is the deadline the reaper enforces: `idleSeconds` after the last use
 * (use through the backend pushes it forward, see touchClaim), never past `ttlAt` (the spec's absolute TTL).
 */
export interface ClaimRecord {
  name: string;
  claimId: string;
  claimedAt: string;
  expiresAt: string;
  idleSeconds: string;
  ttlAt?: string;
}

/** The deadline of a claim used at `now`: idle seconds from now, capped by the absolute TTL. */
export function claimDeadline(now: Date, idleSeconds: number, ttlAt?: string): Date {
  const idle = now.getTime() + idleSeconds * 1000;
  const ttl = ttlAt ? Date.parse(ttlAt) : Number.POSITIVE_INFINITY;
  return new Date(Math.min(idle, Number.isNaN(ttl) ? idle : ttl));
}

/** Writes the claim record with cas=0. True when we won; a retried write that finds our own claimId also won. */
async function takeChild(ctx: WarmPoolContext, jobId: string, record: ClaimRecord, signal?: AbortSignal): Promise<boolean> {
  try {
    await ctx
      .client()
      .variables.write(claimPath(jobId), { ...record }, { cas: 0, namespace: ctx.namespace, idempotent: true, signal });
    return true;
  } catch (err) {
    if (err instanceof VariableConflictError) return err.conflict.Items?.claimId === record.claimId;
    throw err;
  }
}

/** Running children of one pool, one small page at a time (for processes without a followed index). */
const SEED_PAGE = 32;

/** Where each pool's paging stands, per index (i.e. per provider), so claims do not re-walk pages already used. */
const cursors = new WeakMap<object, Map<string, { next?: string; done: boolean }>>();

function cursorOf(ctx: WarmPoolContext, slug: string): { next?: string; done: boolean } {
  let bySlug = cursors.get(ctx.index);
  if (!bySlug) {
    bySlug = new Map();
    cursors.set(ctx.index, bySlug);
  }
  let cursor = bySlug.get(slug);
  // A walk that reached the end starts over for a new claim: new children may have been dispatched since.
  if (!cursor || (cursor.done && ctx.index.size(slug) === 0)) {
    cursor = { done: false };
    bySlug.set(slug, cursor);
  }
  return cursor;
}

/**
 * Without a ready index (a short-lived CLI process, or before the first bootstrap finishes) the candidates come
 * from one small page of the pool's running allocations: cost stays constant whatever the pool size. The next
 * page is fetched only when every candidate of this one was lost to other claimers.
 */
async function seedPage(
  ctx: WarmPoolContext,
  pool: WarmPoolSpec,
  cursor: { next?: string; done: boolean },
  signal?: AbortSignal,
): Promise<void> {
  if (cursor.done) return;
  const { data, meta } = await ctx.client().allocations.list({
    // Slugs are [a-z0-9-] only, so they are safe inside the regular expression.
    filter: `JobID matches "^agentkernel-warm-pool[.]${poolSlug(pool.key)}/" and ClientStatus == "running"`,
    namespace: ctx.namespace,
    perPage: SEED_PAGE,
    ...(cursor.next ? { nextToken: cursor.next } : {}),
    signal,
  });
  for (const a of data) ctx.index.apply(a);
  cursor.next = meta.nextToken;
  cursor.done = !meta.nextToken;
}

/** The child's current allocation, if it can exec now. */
async function liveAlloc(ctx: WarmPoolContext, jobId: string, signal?: AbortSignal): Promise<AllocationListStub | undefined> {
  const { data } = await ctx.client().jobs.allocations(jobId, { namespace: ctx.namespace, signal });
  const alloc = currentAlloc(data);
  return alloc && alloc.DesiredStatus === "run" && isExecReady(alloc) ? alloc : undefined;
}

function warmInfo(pool: WarmPoolSpec, spec: SandboxSpec, jobId: string, alloc: AllocationListStub, ns?: string): SandboxInfo {
  return {
    name: spec.name,
    backend: BACKEND,
    status: "running",
    image: pool.image,
    profile: pool.profile,
    network: PROFILE_HARDENING[pool.profile].networkDefault,
    labels: { ...(spec.labels ?? {}) },
    createdAt: new Date(),
    refs: { jobId, namespace: ns, allocId: alloc.ID, nodeId: alloc.NodeID, evalId: alloc.EvalID, warmPool: pool.key },
  };
}

/**
 * Claims one warm child for `spec.name`, or resolves undefined when none is warm. Steps: pick a random child
 * from the index → create its claim record (cas=0; a 409 means another claimer won: drop it, next candidate)
 * → at once: confirm it still runs (else purge it, next), take the name lock job `agentkernel-<name>` (cas=0;
 * taken → undo the claim and throw AlreadyExistsError) and write the name record. Two round trips, whatever the
 * pool size.
 */
export async function claimWarm(
  ctx: WarmPoolContext,
  pool: WarmPoolSpec,
  spec: SandboxSpec,
  signal?: AbortSignal,
): Promise<SandboxInfo | undefined> {
  validateSandboxName(spec.name);
  const slug = poolSlug(pool.key);
  const cursor = cursorOf(ctx, slug);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (!ctx.index.isReady && ctx.index.size(slug) === 0) await seedPage(ctx, pool, cursor, signal);
    const candidate = ctx.index.pick(slug);
    if (!candidate) return undefined;
    const now = new Date();
    const idleSeconds = spec.idleTimeoutSeconds ?? ctx.claimIdleSeconds;
    const ttlAt = spec.ttlSeconds !== undefined ? new Date(now.getTime() + spec.ttlSeconds * 1000).toISOString() : undefined;
    const record: ClaimRecord = {
      name: spec.name,
      claimId: randomUUID(),
      claimedAt: now.toISOString(),
      expiresAt: claimDeadline(now, idleSeconds, ttlAt).toISOString(),
      idleSeconds: String(idleSeconds),
      ...(ttlAt ? { ttlAt } : {}),
    };
    // Whatever happens next, nobody else may get this child from our index.
    ctx.index.markClaimed(candidate.jobId);
    if (!(await takeChild(ctx, candidate.jobId, record, signal))) continue;
    // Three independent steps in one round trip: the child still runs, the name lock `agentkernel-<name>` is
    // ours (cas=0, the same job ID a cold sandbox would take, so warm and cold names are one atomic space), and
    // the name record (labels, pool, claim time for get/list) is written (cas=0).
    const lock = buildNameLock(spec.name, candidate.jobId, pool, ctx.settings, record.claimedAt);
    const [allocR, nameR, lockR] = await Promise.allSettled([
      liveAlloc(ctx, candidate.jobId, signal),
      ctx.names.reserve(
        spec.name,
        {
          kind: "warm",
          jobId: candidate.jobId,
          createdAt: record.claimedAt,
          pool: pool.key,
          ...(spec.labels ? { labels: spec.labels } : {}),
        },
        signal,
      ),
      takeNameLock(ctx, lock, signal),
    ]);
    const alloc = allocR.status === "fulfilled" ? allocR.value : undefined;
    const locked = lockR.status === "fulfilled" && lockR.value;
    const taken = () =>
      new AlreadyExistsError(`sandbox "${spec.name}" already exists; pick another name or remove it first`, {
        backend: BACKEND,
      });
    const failure =
      lockR.status === "rejected"
        ? lockR.reason
        : !locked
          ? taken()
          : nameR.status === "rejected"
            ? nameR.reason
            : allocR.status === "rejected"
              ? allocR.reason
              : undefined;
    if (failure !== undefined || !alloc) {
      if (nameR.status === "fulfilled") await ctx.names.remove(spec.name, nameR.value.modifyIndex).catch(() => undefined);
      // Ours since the cas=0 register: nobody else can hold `agentkernel-<name>` in between.
      if (locked) await purgeJob(ctx, lock.ID).catch(() => undefined);
      if (allocR.status === "fulfilled" && !alloc) {
        // Lost or failed since the index saw it: it is ours now, so clear it away for upkeep to replace.
        await purgeJob(ctx, candidate.jobId, signal);
        await deleteVariable(ctx, claimPath(candidate.jobId), undefined, signal);
      } else {
        // The child was never used: hand it back (the claim record goes; the next resync sees it warm again).
        await deleteVariable(ctx, claimPath(candidate.jobId)).catch(() => undefined);
      }
      if (failure !== undefined) throw failure;
      continue;
    }
    ctx.onClaimed?.(spec.name, alloc);
    return warmInfo(pool, spec, candidate.jobId, alloc, ctx.namespace);
  }
  return undefined;
}
