// Nomad allocation and evaluation shapes in API casing, including placement metrics and task events.
import type { JobInfo, Resources } from "./types-jobs.js";

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
