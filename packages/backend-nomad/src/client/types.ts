// Nomad JSON shapes in API casing (PascalCase Go field names), as documented in shared/nomad-api/REFERENCE.md.

/** A `time.Duration` in JSON: integer nanoseconds. */
export type Nanoseconds = number;

/** Restart policy of a task group (`Interval`/`Delay` in ns). */
export interface RestartPolicy {
  Attempts?: number;
  Interval?: Nanoseconds;
  Delay?: Nanoseconds;
  Mode?: "fail" | "delay";
  RenderTemplates?: boolean;
}

/** Reschedule policy of a task group. */
export interface ReschedulePolicy {
  Attempts?: number;
  Interval?: Nanoseconds;
  Delay?: Nanoseconds;
  DelayFunction?: "constant" | "exponential" | "fibonacci";
  MaxDelay?: Nanoseconds;
  Unlimited?: boolean;
}

/** Task resources: CPU in MHz (or Cores), memory in MB. */
export interface Resources {
  CPU?: number;
  Cores?: number;
  MemoryMB?: number;
  MemoryMaxMB?: number;
  DiskMB?: number;
  Networks?: NetworkResource[] | null;
}

/** A group or task network block (`Mode` = "none" | "bridge" | "host" | "cni/<name>"). */
export interface NetworkResource {
  Mode?: string;
  [key: string]: unknown;
}

/** Log rotation settings of a task. */
export interface LogConfig {
  MaxFiles?: number;
  MaxFileSizeMB?: number;
  Disabled?: boolean;
}

/** A placement constraint (`${attr.kernel.name}` = `linux`). */
export interface Constraint {
  LTarget?: string;
  RTarget?: string;
  Operand?: string;
}

/** One task of a group. `Config` is driver-specific (snake_case keys). */
export interface Task {
  Name: string;
  Driver: string;
  User?: string;
  Config?: Record<string, unknown>;
  Env?: Record<string, string>;
  Meta?: Record<string, string>;
  Resources?: Resources;
  KillTimeout?: Nanoseconds;
  KillSignal?: string;
  LogConfig?: LogConfig;
  Constraints?: Constraint[];
  RestartPolicy?: RestartPolicy;
  DispatchPayload?: { File?: string };
  Leader?: boolean;
  Identity?: Record<string, unknown>;
}

/** A task group: the unit of placement (one allocation per Count). */
export interface TaskGroup {
  Name: string;
  Count?: number;
  Tasks: Task[];
  Constraints?: Constraint[];
  RestartPolicy?: RestartPolicy;
  ReschedulePolicy?: ReschedulePolicy;
  EphemeralDisk?: { SizeMB?: number; Sticky?: boolean; Migrate?: boolean };
  Networks?: NetworkResource[];
  Meta?: Record<string, string>;
  Disconnect?: { LostAfter?: Nanoseconds; Replace?: boolean; Reconcile?: string; StopOnClientAfter?: Nanoseconds };
  MaxClientDisconnect?: Nanoseconds;
}

/** Parameterized-job settings of a dispatchable parent. */
export interface ParameterizedJobConfig {
  Payload?: "optional" | "required" | "forbidden";
  MetaRequired?: string[];
  MetaOptional?: string[];
}

/** A job spec as sent to `PUT /v1/jobs`. */
export interface NomadJob {
  ID: string;
  Name?: string;
  Namespace?: string;
  Region?: string;
  Type?: "service" | "batch" | "system" | "sysbatch";
  Priority?: number;
  Datacenters?: string[];
  NodePool?: string;
  Meta?: Record<string, string>;
  Constraints?: Constraint[];
  TaskGroups?: TaskGroup[];
  ParameterizedJob?: ParameterizedJobConfig | null;
  Stop?: boolean;
}

/** A job as read back: the spec plus server-managed fields. */
export interface JobInfo extends NomadJob {
  Status?: "pending" | "running" | "dead";
  StatusDescription?: string;
  Version?: number;
  Stable?: boolean;
  SubmitTime?: number;
  CreateIndex?: number;
  ModifyIndex?: number;
  JobModifyIndex?: number;
  ParentID?: string;
  Dispatched?: boolean;
  /** Base64 dispatch payload. */
  Payload?: string | null;
}

/** Per-group counts of a JobSummary. */
export interface TaskGroupSummary {
  Queued: number;
  Complete: number;
  Failed: number;
  Running: number;
  Starting: number;
  Lost: number;
  Unknown?: number;
}

/** `GET /v1/job/:id/summary` and the summary inside a list stub. */
export interface JobSummary {
  JobID: string;
  Namespace: string;
  Summary: Record<string, TaskGroupSummary>;
  Children?: { Pending: number; Running: number; Dead: number } | null;
  CreateIndex: number;
  ModifyIndex: number;
}

/** One entry of `GET /v1/jobs`. `Meta` only with `meta=true`. */
export interface JobListStub {
  ID: string;
  ParentID: string;
  Name: string;
  Namespace: string;
  Datacenters: string[];
  NodePool?: string;
  Type: string;
  Priority: number;
  Periodic: boolean;
  ParameterizedJob: boolean;
  Stop: boolean;
  Status: "pending" | "running" | "dead";
  StatusDescription: string;
  JobSummary?: JobSummary | null;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  SubmitTime: number;
  Meta?: Record<string, string>;
}

/** One task lifecycle event (last 10 kept per task). */
export interface TaskEvent {
  Type: string;
  Time: number;
  DisplayMessage?: string;
  Message?: string;
  Details?: Record<string, string>;
  FailsTask?: boolean;
  ExitCode?: number;
  Signal?: number;
  DriverError?: string;
  SetupError?: string;
  KillReason?: string;
  RestartReason?: string;
}

/** State of one task inside an allocation. */
export interface TaskState {
  State: "pending" | "running" | "dead";
  Failed: boolean;
  Restarts: number;
  LastRestart?: string | null;
  StartedAt?: string | null;
  FinishedAt?: string | null;
  Events?: TaskEvent[] | null;
}

/** Why placement failed or how nodes were scored (`AllocMetric`). */
export interface AllocMetric {
  NodesEvaluated: number;
  NodesFiltered: number;
  NodesInPool?: number;
  NodePool?: string;
  NodesAvailable?: Record<string, number> | null;
  ClassFiltered?: Record<string, number> | null;
  ConstraintFiltered?: Record<string, number> | null;
  NodesExhausted: number;
  ClassExhausted?: Record<string, number> | null;
  DimensionExhausted?: Record<string, number> | null;
  QuotaExhausted?: string[] | null;
  ResourcesExhausted?: Record<string, Resources> | null;
  CoalescedFailures?: number;
  AllocationTime?: number;
}

export type AllocClientStatus = "pending" | "running" | "complete" | "failed" | "lost" | "unknown";
export type AllocDesiredStatus = "run" | "stop" | "evict";

/** One entry of `/v1/allocations` and `/v1/job/:id/allocations`. */
export interface AllocationListStub {
  ID: string;
  EvalID: string;
  Name: string;
  Namespace: string;
  NodeID: string;
  NodeName?: string;
  JobID: string;
  JobType?: string;
  JobVersion?: number;
  TaskGroup: string;
  DesiredStatus: AllocDesiredStatus;
  DesiredDescription?: string;
  ClientStatus: AllocClientStatus;
  ClientDescription?: string;
  TaskStates?: Record<string, TaskState> | null;
  FollowupEvalID?: string;
  NextAllocation?: string;
  PreviousAllocation?: string;
  RescheduleTracker?: { Events?: unknown[] | null } | null;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

/** `GET /v1/allocation/:id`: the stub plus the job copy and metrics. */
export interface Allocation extends AllocationListStub {
  Job?: JobInfo | null;
  Metrics?: AllocMetric | null;
  DesiredTransition?: Record<string, boolean | null>;
  AllocatedResources?: Record<string, unknown> | null;
  AllocModifyIndex?: number;
}

export type EvaluationStatus = "pending" | "blocked" | "complete" | "failed" | "canceled";

/** `GET /v1/evaluation/:id` (also the elements of `/v1/job/:id/evaluations`). */
export interface Evaluation {
  ID: string;
  Namespace: string;
  Priority: number;
  Type: string;
  TriggeredBy: string;
  JobID: string;
  JobModifyIndex?: number;
  NodeID?: string;
  Status: EvaluationStatus;
  StatusDescription?: string;
  NextEval?: string;
  PreviousEval?: string;
  BlockedEval?: string;
  FailedTGAllocs?: Record<string, AllocMetric> | null;
  QueuedAllocations?: Record<string, number> | null;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime?: number;
  ModifyTime?: number;
}

/** Variable lock as returned by acquire (`TTL`/`LockDelay` are Go duration strings). */
export interface VariableLock {
  ID?: string;
  TTL?: string;
  LockDelay?: string;
}

/** Variable metadata (list entries; also the zero-value 409 body). */
export interface VariableMetadata {
  Namespace: string;
  Path: string;
  CreateIndex: number;
  CreateTime: number;
  ModifyIndex: number;
  ModifyTime: number;
  Lock?: VariableLock | null;
}

/** A variable with its items (all values are strings). Items are absent when the token cannot read them. */
export interface Variable extends VariableMetadata {
  Items?: Record<string, string>;
}

/** One event of the event stream. `Payload` is keyed by topic (`{ Allocation: {…} }`). */
export interface NomadEvent {
  Topic: string;
  Type: string;
  Key: string;
  Namespace: string;
  FilterKeys?: string[] | null;
  Index: number;
  Payload: {
    Job?: JobInfo;
    Allocation?: Allocation;
    Evaluation?: Evaluation;
    Node?: NomadNode;
    [topic: string]: unknown;
  };
}

/** One NDJSON line of `/v1/event/stream` (heartbeats are skipped by the client). */
export interface EventFrame {
  Index: number;
  Events: NomadEvent[];
}

/** One driver's fingerprint on a node. */
export interface DriverInfo {
  Detected: boolean;
  Healthy: boolean;
  HealthDescription?: string;
  Attributes?: Record<string, string> | null;
  UpdateTime?: string;
}

/** One entry of `GET /v1/nodes`. */
export interface NomadNode {
  ID: string;
  Name: string;
  Address?: string;
  Datacenter: string;
  NodePool?: string;
  NodeClass?: string;
  Version?: string;
  Status: "ready" | "down" | "initializing" | "disconnected";
  SchedulingEligibility: "eligible" | "ineligible";
  Drain: boolean;
  Drivers?: Record<string, DriverInfo> | null;
  CreateIndex?: number;
  ModifyIndex?: number;
}

/** One entry of fs ls / the body of fs stat. */
export interface AllocFileInfo {
  Name: string;
  IsDir: boolean;
  Size: number;
  FileMode: string;
  ModTime: string;
  ContentType?: string;
}

/** `GET /v1/acl/token/self`. */
export interface AclToken {
  AccessorID: string;
  SecretID?: string;
  Name?: string;
  Type?: "client" | "management";
  Policies?: string[] | null;
  Roles?: unknown[] | null;
  Global?: boolean;
  ExpirationTime?: string | null;
  CreateIndex?: number;
  ModifyIndex?: number;
}

/** `GET /v1/agent/self` (lower-case top level). */
export interface AgentSelf {
  config: {
    Region?: string;
    Datacenter?: string;
    NodeName?: string;
    Version?: { Version: string; VersionPrerelease?: string; VersionMetadata?: string; Revision?: string };
    ACL?: { Enabled: boolean };
    Client?: { Enabled: boolean };
    Server?: { Enabled: boolean };
    [key: string]: unknown;
  };
  member?: { Name: string; Addr: string; Port: number; Tags?: Record<string, string>; Status: string };
  stats?: Record<string, unknown>;
}

/** `GET /v1/agent/health`: a key is absent when the agent does not run that role. */
export interface AgentHealthResponse {
  client?: { ok: boolean; message: string };
  server?: { ok: boolean; message: string };
}
