/** Names of everything the Nomad warm pool stores: parent job IDs, claim/name/lock variable paths. */
import { createHash } from "node:crypto";
import type { WarmPoolSpec } from "@agentkernel/core";

/**
 * Parent job of one pool: `agentkernel-warm-pool.<slug>`. The dot matters: sandbox names never contain one,
 * so no cold sandbox job (`agentkernel-<name>`) can ever collide with a pool's parent or its children.
 */
export const WARM_JOB_PREFIX = "agentkernel-warm-pool.";
/** Variable prefixes (all under `agentkernel/`, which the least-privilege ACL policy already grants). */
export const CLAIMS_PREFIX = "agentkernel/claims/";
export const NAMES_PREFIX = "agentkernel/names/";
export const LOCKS_PREFIX = "agentkernel/locks/warm-pool/";
/** Dispatch meta key carrying the image (interpolated as `${NOMAD_META_image}`). */
export const META_KEY_IMAGE = "image";
/** Job meta marking a pool parent (and, through meta inheritance, its children). */
export const META_WARM_POOL = "agentkernel-warm-pool";

const MAX_SLUG = 48;

/**
 * A variable-path-safe form of the pool key (`[a-z0-9-]`, ≤ 48 chars). Variable paths forbid `.`, so the key's
 * `.` becomes `--` (poolKey() never produces `--` otherwise); long keys keep a prefix plus a hash for uniqueness.
 */
export function poolSlug(key: string): string {
  const slug = key
    .toLowerCase()
    .replace(/\./g, "--")
    .replace(/[^a-z0-9-]/g, "-");
  if (slug.length <= MAX_SLUG) return slug;
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
  return `${slug.slice(0, MAX_SLUG - 9)}-${hash}`;
}

/** `agentkernel-warm-pool.<slug>`. */
export function parentJobId(pool: Pick<WarmPoolSpec, "key">): string {
  return `${WARM_JOB_PREFIX}${poolSlug(pool.key)}`;
}

/** The slug of a parent or child job ID, or undefined when `jobId` is not a warm-pool job. */
export function slugOfJob(jobId: string): string | undefined {
  if (!jobId.startsWith(WARM_JOB_PREFIX)) return undefined;
  const rest = jobId.slice(WARM_JOB_PREFIX.length);
  const slash = rest.indexOf("/");
  return slash < 0 ? rest : rest.slice(0, slash);
}

/** True for a dispatched child `agentkernel-warm-pool.<slug>/dispatch-…`. */
export function isWarmChild(jobId: string): boolean {
  return jobId.startsWith(WARM_JOB_PREFIX) && jobId.includes("/dispatch-");
}

/**
 * Claim record of a dispatched child: `agentkernel/claims/<slug>/<dispatch-suffix>`. Created with `cas=0`, so
 * exactly one claimer ever wins a given child, across processes and replicas.
 */
export function claimPath(childJobId: string): string {
  const slug = slugOfJob(childJobId);
  const slash = childJobId.indexOf("/");
  if (slug === undefined || slash < 0) throw new TypeError(`${childJobId} is not a dispatched warm-pool job`);
  return `${CLAIMS_PREFIX}${slug}/${childJobId.slice(slash + 1)}`;
}

/** The child job ID a claim record path stands for (inverse of claimPath). */
export function childOfClaimPath(path: string): string | undefined {
  if (!path.startsWith(CLAIMS_PREFIX)) return undefined;
  const [slug, suffix, ...rest] = path.slice(CLAIMS_PREFIX.length).split("/");
  if (!slug || !suffix || rest.length > 0) return undefined;
  return `${WARM_JOB_PREFIX}${slug}/${suffix}`;
}

/** Name record of a sandbox (warm or cold): `agentkernel/names/<name>`. */
export function namePath(name: string): string {
  return `${NAMES_PREFIX}${name}`;
}

/** The upkeep lock of one pool. */
export function lockPath(pool: Pick<WarmPoolSpec, "key">): string {
  return `${LOCKS_PREFIX}${poolSlug(pool.key)}`;
}
