export {
  AgentkernelError,
  ERROR_CODES,
  hasErrorCode,
  type AgentkernelErrorOptions,
  type ErrorCode,
} from "./agentkernel-error.js";
export { AbortedError } from "./aborted-error.js";
export { AlreadyExistsError } from "./already-exists-error.js";
export { BackendUnavailableError } from "./backend-unavailable-error.js";
export { CapabilityUnsupportedError } from "./capability-unsupported-error.js";
export { ConflictError } from "./conflict-error.js";
export { InternalError } from "./internal-error.js";
export { InvalidInputError } from "./invalid-input-error.js";
export { NotFoundError } from "./not-found-error.js";
export { NotRunningError } from "./not-running-error.js";
export { PermissionDeniedError } from "./permission-denied-error.js";
export { PlacementFailedError } from "./placement-failed-error.js";
export { StreamInterruptedError } from "./stream-interrupted-error.js";
export { TimeoutError } from "./timeout-error.js";
export { UnauthorizedError } from "./unauthorized-error.js";
