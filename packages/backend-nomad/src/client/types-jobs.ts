// Nomad job shapes in API casing: the spec sent to register, and what job reads and lists return.

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
