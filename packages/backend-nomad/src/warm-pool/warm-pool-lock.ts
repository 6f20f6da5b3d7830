/** The upkeep lock: a short Nomad Variable lock (lock-acquire with TTL) so two replicas never top up one pool at once. */
import type { WarmPoolSpec } from "@agentkernel/core";
import { VariableConflictError } from "../client/index.js";
import type { WarmPoolContext } from "./warm-pool-context.js";
import { lockPath } from "./warm-pool-ids.js";

/** Nomad's minimum TTL and LockDelay (REFERENCE.md §7: 10 s–24 h). */
export const LOCK_TTL = "10s";
const RENEW_EVERY_MS = 3_000;

/** Locks whose release failed (Nomad unavailable): released first thing next time instead of waiting out TTL + delay. */
const unreleased = new WeakMap<WarmPoolContext, Map<string, string>>();

/** The outcome of `withUpkeepLock`: `acquired: false` when another holder has the lock (skip this round). */
export type LockedResult<T> = { acquired: true; value: T } | { acquired: false };

/**
 * Runs `fn` while holding the pool's upkeep lock, renewing it every 3 s and releasing it afterwards. Another
 * holder → `{ acquired: false }` at once (no waiting: that holder is doing the same work). A holder that dies
 * loses the lock after the TTL, and Nomad's LockDelay keeps others out 10 s more.
 */
export async function withUpkeepLock<T>(
  ctx: WarmPoolContext,
  pool: WarmPoolSpec,
  fn: () => Promise<T>,
): Promise<LockedResult<T>> {
  const path = lockPath(pool);
  const vars = ctx.client().variables;
  let pending = unreleased.get(ctx);
  if (!pending) {
    pending = new Map();
    unreleased.set(ctx, pending);
  }
  const stale = pending.get(path);
  if (stale) {
    await vars.releaseLock(path, stale, { namespace: ctx.namespace }).catch(() => undefined);
    pending.delete(path);
  }
  let lockId: string | undefined;
  try {
    const { data } = await vars.acquireLock(path, { ttl: LOCK_TTL, lockDelay: LOCK_TTL }, { namespace: ctx.namespace });
    lockId = data.Lock?.ID;
  } catch (err) {
    if (err instanceof VariableConflictError) return { acquired: false };
    throw err;
  }
  if (!lockId) return { acquired: false };
  const id = lockId;
  const renew = setInterval(() => {
    vars.renewLock(path, id, { namespace: ctx.namespace }).catch(() => undefined);
  }, RENEW_EVERY_MS);
  renew.unref();
  try {
    return { acquired: true, value: await fn() };
  } finally {
    clearInterval(renew);
    // A failed release would keep every replica out for TTL + LockDelay (20 s): retry it next round.
    const held = pending;
    await vars.releaseLock(path, id, { namespace: ctx.namespace, idempotent: true }).catch(() => held.set(path, id));
  }
}
