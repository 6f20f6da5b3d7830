// Public surface of the Nomad client, re-exported by the package index.
export { Acl } from "./acl.js";
export { Agent } from "./agent.js";
export { Allocations } from "./allocations.js";
export { watch, type WatchOptions } from "./blocking.js";
export {
  DEFAULT_NOMAD_ADDRESS,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUT_MS,
  type NomadClientConfig,
  type NomadRetryConfig,
  type NomadTlsConfig,
  nomadConfigFromEnv,
  parseGoBool,
} from "./config.js";
export {
  type ErrorContext,
  NomadConnectionError,
  NomadResponseError,
  NomadTimeoutError,
  toCoreError,
  VariableConflictError,
} from "./errors.js";
export { Evaluations } from "./evaluations.js";
export { type EventStreamOptions, Events } from "./events.js";
export { Exec, type ExecStartOptions, type NomadExecStream } from "./exec.js";
export { NomadExecCloseError } from "./exec-errors.js";
export { decodeConcatenatedJson, decodeNdjson, isHeartbeat } from "./frames.js";
export { Fs, type LogFrame, type LogsOptions } from "./fs.js";
export {
  type DispatchBody,
  type JobDeregisterResponse,
  type JobDispatchResponse,
  type JobRegisterResponse,
  Jobs,
  type RegisterOptions,
} from "./jobs.js";
export { NomadClient } from "./nomad-client.js";
export { Nodes } from "./nodes.js";
export type { QueryMeta, QueryOptions, QueryResponse, WriteOptions, WriteResponse } from "./params.js";
export { Status } from "./status.js";
export type * from "./types.js";
export { type LockRequest, Variables, type VariableWriteOptions } from "./variables.js";
