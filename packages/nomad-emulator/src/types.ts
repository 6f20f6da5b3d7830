/** Shapes of the objects the emulator stores, in Nomad's API casing. */

/** Task resources (MHz, MiB). */
export interface TaskResources {
  CPU: number;
  Cores: number;
  MemoryMB: number;
  MemoryMaxMB: number;
  [k: string]: unknown;
}

/** A task of a group, after defaults were applied. */
export interface TaskSpec {
  Name: string;
  Driver: string;
  Config: Record<string, unknown>;
  Env: Record<string, string> | null;
  Meta: Record<string, string> | null;
  Resources: TaskResources;
  KillTimeout: number;
  KillSignal: string;
  DispatchPayload: { File: string } | null;
  [k: string]: unknown;
}

/** Restart policy; durations in ns. */
export interface RestartPolicy {
  Attempts: number;
  Interval: number;
  Delay: number;
  Mode: string;
  [k: string]: unknown;
}

/** A task group, after defaults were applied. */
export interface GroupSpec {
  Name: string;
  Count: number;
  Tasks: TaskSpec[];
  RestartPolicy: RestartPolicy;
  ReschedulePolicy: Record<string, unknown>;
  Disconnect: Record<string, unknown> | null;
  Networks: Array<Record<string, unknown>> | null;
  EphemeralDisk: { SizeMB: number; Sticky: boolean; Migrate: boolean };
  Meta: Record<string, string> | null;
  [k: string]: unknown;
}

/** The parameterized block of a parent job. */
export interface ParameterizedSpec {
  Payload: string;
  MetaRequired: string[] | null;
  MetaOptional: string[] | null;
}

/** A full job as stored (spec plus server fields). */
export interface JobSpec {
  ID: string;
  Name: string;
  Namespace: string;
  Region: string;
  Type: string;
  Priority: number;
  Datacenters: string[];
  NodePool: string;
  Meta: Record<string, string> | null;
  TaskGroups: GroupSpec[];
  ParameterizedJob: ParameterizedSpec | null;
  Periodic: Record<string, unknown> | null;
  Stop: boolean;
  ParentID: string;
  Dispatched: boolean;
  Payload: string | null;
  Status: string;
  StatusDescription: string;
  Version: number;
  Stable: boolean;
  SubmitTime: number;
  CreateIndex: number;
  ModifyIndex: number;
  JobModifyIndex: number;
  [k: string]: unknown;
}

/** One TaskEvent, with the legacy flat fields Nomad still sends. */
export interface TaskEvent {
  Type: string;
  Time: number;
  DisplayMessage: string;
  Message: string;
  Details: Record<string, string>;
  FailsTask: boolean;
  ExitCode: number;
  Signal: number;
  DriverError: string;
  SetupError: string;
  KillReason: string;
  RestartReason: string;
  KillTimeout: number;
}

/** TaskStates[task]. */
export interface TaskState {
  State: string;
  Failed: boolean;
  Restarts: number;
  LastRestart: string | null;
  StartedAt: string | null;
  FinishedAt: string | null;
  TaskHandle: null;
  Events: TaskEvent[];
}

/** AllocMetric (placement explanation). */
export interface AllocMetric {
  NodesEvaluated: number;
  NodesFiltered: number;
  NodesInPool: number;
  NodePool: string;
  NodesAvailable: Record<string, number>;
  ClassFiltered: Record<string, number> | null;
  ConstraintFiltered: Record<string, number> | null;
  NodesExhausted: number;
  ClassExhausted: Record<string, number> | null;
  DimensionExhausted: Record<string, number> | null;
  QuotaExhausted: string[] | null;
  ResourcesExhausted: Record<string, unknown> | null;
  Scores: null;
  AllocationTime: number;
  CoalescedFailures: number;
  ScoreMetaData: Array<Record<string, unknown>> | null;
}

/** An evaluation as stored. */
export interface Evaluation {
  ID: string;
  Namespace: string;
  Priority: number;
  Type: string;
  TriggeredBy: string;
  JobID: string;
  JobModifyIndex: number;
  NodeID: string;
  NodeModifyIndex: number;
  DeploymentID: string;
  Status: string;
  StatusDescription: string;
  Wait: number;
  WaitUntil: null;
  NextEval: string;
  PreviousEval: string;
  BlockedEval: string;
  RelatedEvals: null;
  FailedTGAllocs: Record<string, AllocMetric> | null;
  ClassEligibility: Record<string, boolean> | null;
  EscapedComputedClass: boolean;
  QuotaLimitReached: string;
  AnnotatePlan: boolean;
  QueuedAllocations: Record<string, number> | null;
  SnapshotIndex: number;
  CreateIndex: number;
  ModifyIndex: number;
  CreateTime: number;
  ModifyTime: number;
}

/** A simulated client node. */
export interface NodeRecord {
  ID: string;
  Name: string;
  Datacenter: string;
  Status: string;
  cpuMHz: number;
  memoryMB: number;
  diskMB: number;
  drivers: Record<string, { Detected: boolean; Healthy: boolean }>;
  CreateIndex: number;
  ModifyIndex: number;
}

/** A stored variable (Items are strings only). */
export interface VariableRecord {
  Namespace: string;
  Path: string;
  Items: Record<string, string>;
  CreateIndex: number;
  CreateTime: number;
  ModifyIndex: number;
  ModifyTime: number;
  Lock: { ID: string; TTL: string; LockDelay: string } | null;
  lockTimer?: NodeJS.Timeout;
  /** Until this time (ms) a released/expired lock cannot be re-acquired (LockDelay). */
  lockDelayUntil?: number;
}
