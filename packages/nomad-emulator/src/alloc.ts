/** The stored allocation: Nomad's fields plus what the client plane needs (alloc dir, env, drivers). */
import type { DriverName, EmulatorAlloc } from "./emulator-context.js";
import type { AllocMetric, JobSpec, TaskState } from "./types.js";

/** ClientStatus values after which the client never changes an alloc again. */
export const TERMINAL_CLIENT = new Set(["complete", "failed", "lost"]);

/** An allocation; the class doubles as the seam's EmulatorAlloc so part B sees live state. */
export class Alloc implements EmulatorAlloc {
  ID = "";
  Namespace = "default";
  EvalID = "";
  Name = "";
  NodeID = "";
  NodeName = "";
  JobID = "";
  Job!: JobSpec;
  TaskGroup = "";
  Metrics!: AllocMetric;
  DesiredStatus = "run";
  DesiredDescription = "";
  DesiredTransition: Record<string, boolean | null> = {
    Migrate: null,
    Reschedule: null,
    ForceReschedule: null,
    NoShutdownDelay: null,
  };
  ClientStatus = "pending";
  ClientDescription = "No tasks have started";
  TaskStates: Record<string, TaskState> = {};
  FollowupEvalID = "";
  PreviousAllocation = "";
  NextAllocation = "";
  CreateIndex = 0;
  ModifyIndex = 0;
  AllocModifyIndex = 0;
  CreateTime = 0;
  ModifyTime = 0;
  allocDir = "";
  networkNone = false;
  gcd = false;
  taskNames: string[] = [];
  env: Record<string, Record<string, string>> = {};
  /** Allocation index in its group (`name[n]`). */
  index = 0;

  driverOf(task: string): DriverName | undefined {
    const t = this.group()?.Tasks.find((x) => x.Name === task);
    const d = t?.Driver;
    return d === "docker" || d === "exec" || d === "raw_exec" ? d : undefined;
  }

  taskEnv(task: string): Record<string, string> {
    return { ...(this.env[task] ?? {}) };
  }

  /** The task group spec this alloc runs. */
  group() {
    return this.Job.TaskGroups.find((g) => g.Name === this.TaskGroup);
  }

  /** Nomad's TerminalStatus: desired stop/evict, or a terminal client status. */
  terminal(): boolean {
    return this.DesiredStatus === "stop" || this.DesiredStatus === "evict" || TERMINAL_CLIENT.has(this.ClientStatus);
  }

  /** Client-side terminal (the task processes are gone for good). */
  clientTerminal(): boolean {
    return TERMINAL_CLIENT.has(this.ClientStatus);
  }

  private resources() {
    const tasks: Record<string, unknown> = {};
    for (const t of this.group()?.Tasks ?? []) {
      tasks[t.Name] = {
        Cpu: { CpuShares: t.Resources.CPU, ReservedCores: t.Resources.Cores > 0 ? [] : null },
        Memory: { MemoryMB: t.Resources.MemoryMB, MemoryMaxMB: t.Resources.MemoryMaxMB },
        Networks: null,
      };
    }
    return { Tasks: tasks, Shared: { DiskMB: this.group()?.EphemeralDisk.SizeMB ?? 0, Networks: null, Ports: null } };
  }

  /** GET /v1/allocation/:id body. */
  toApi(withJob = true): Record<string, unknown> {
    return {
      ID: this.ID,
      Namespace: this.Namespace,
      EvalID: this.EvalID,
      Name: this.Name,
      NodeID: this.NodeID,
      NodeName: this.NodeName,
      JobID: this.JobID,
      Job: withJob ? this.Job : null,
      TaskGroup: this.TaskGroup,
      Resources: null,
      AllocatedResources: this.resources(),
      Metrics: this.Metrics,
      DesiredStatus: this.DesiredStatus,
      DesiredDescription: this.DesiredDescription,
      DesiredTransition: { ...this.DesiredTransition },
      ClientStatus: this.ClientStatus,
      ClientDescription: this.ClientDescription,
      TaskStates: this.TaskStates,
      DeploymentID: "",
      DeploymentStatus: null,
      FollowupEvalID: this.FollowupEvalID,
      PreviousAllocation: this.PreviousAllocation,
      NextAllocation: this.NextAllocation,
      RescheduleTracker: null,
      NetworkStatus: null,
      PreemptedAllocations: null,
      PreemptedByAllocation: "",
      CreateIndex: this.CreateIndex,
      ModifyIndex: this.ModifyIndex,
      AllocModifyIndex: this.AllocModifyIndex,
      CreateTime: this.CreateTime,
      ModifyTime: this.ModifyTime,
    };
  }

  /** Alloc list stub. */
  toStub(opts: { resources?: boolean; taskStates?: boolean } = {}): Record<string, unknown> {
    const stub: Record<string, unknown> = {
      ID: this.ID,
      EvalID: this.EvalID,
      Name: this.Name,
      Namespace: this.Namespace,
      NodeID: this.NodeID,
      NodeName: this.NodeName,
      JobID: this.JobID,
      JobType: this.Job.Type,
      JobVersion: this.Job.Version,
      TaskGroup: this.TaskGroup,
      DesiredStatus: this.DesiredStatus,
      DesiredDescription: this.DesiredDescription,
      ClientStatus: this.ClientStatus,
      ClientDescription: this.ClientDescription,
      TaskStates: opts.taskStates === false ? null : this.TaskStates,
      DeploymentStatus: null,
      FollowupEvalID: this.FollowupEvalID,
      NextAllocation: this.NextAllocation,
      RescheduleTracker: null,
      PreemptedAllocations: null,
      PreemptedByAllocation: "",
      CreateIndex: this.CreateIndex,
      ModifyIndex: this.ModifyIndex,
      CreateTime: this.CreateTime,
      ModifyTime: this.ModifyTime,
    };
    if (opts.resources) stub.AllocatedResources = this.resources();
    return stub;
  }
}
