/** @agentkernel/backend-nomad: sandboxes as Nomad batch jobs — the backend, its job builder, drivers and the Nomad client. */
export * from "./client/index.js";
export {
  type DockerDriverOptions,
  type DriverOptions,
  dockerDriverSchema,
  dockerTaskConfig,
  driverOptionsSchema,
  type ExecDriverOptions,
  execDriverSchema,
  execTaskConfig,
  RAW_EXEC_WARNING,
  type RawExecDriverOptions,
  rawExecDriverSchema,
  rawExecTaskConfig,
  type TaskConfig,
  type TaskConfigContext,
  toTaskConfig,
} from "./drivers/index.js";
export {
  buildSandboxJob,
  type JobBuilderSettings,
  type SandboxJob,
  type SandboxTask,
  type SandboxTaskGroup,
  toNomadResources,
} from "./job-builder.js";
export { GROUP_NAME, JOB_PREFIX, jobIdFor, MANAGED_FILTER, TASK_NAME } from "./job-meta.js";
export { BACKEND_ID, createNomadBackend, type NomadBackendOptions } from "./nomad-backend.js";
export { explainAllocMetric, explainFailedPlacement } from "./placement.js";
export { PROFILE_HARDENING, type ProfileHardening } from "./profiles.js";
export {
  claimPath,
  createNomadWarmPool,
  type NameHooks,
  namePath,
  type NomadWarmPoolOptions,
  type NomadWarmPoolProvider,
  parentJobId,
  poolSlug,
  WARM_JOB_PREFIX,
} from "./warm-pool/index.js";
