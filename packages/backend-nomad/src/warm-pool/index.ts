/** The Nomad warm-pool provider and the name records it shares with the backend. */
export { type NameRecord, NameRecords, type StoredNameRecord } from "./name-records.js";
export {
  createNomadWarmPool,
  type NameHooks,
  type NomadWarmPoolOptions,
  type NomadWarmPoolProvider,
} from "./nomad-warm-pool.js";
export { type ClaimRecord, claimDeadline } from "./warm-pool-claim.js";
export type { WarmPoolContext } from "./warm-pool-context.js";
export {
  CLAIMS_PREFIX,
  claimPath,
  LOCKS_PREFIX,
  lockPath,
  META_WARM_POOL,
  NAMES_PREFIX,
  namePath,
  parentJobId,
  poolSlug,
  WARM_JOB_PREFIX,
} from "./warm-pool-ids.js";
export { WarmIndex, type WarmEntry } from "./warm-pool-index.js";
export { buildWarmPoolJob, dispatchMeta, IMAGE_FROM_META } from "./warm-pool-job.js";
export { LOCK_TTL, type LockedResult } from "./warm-pool-lock.js";
export { removeByName } from "./warm-pool-remove.js";
export { isWarmJobOf, type NameScope, readWarmChild, touchClaim, warmOverlay } from "./warm-pool-backend.js";
export { buildNameLock, dropNameLock, lockedChild, takeNameLock } from "./name-lock.js";
export { listClaimedSandboxes } from "./warm-pool-list.js";
