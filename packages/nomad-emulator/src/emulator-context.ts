/** The seam between the emulator's control plane (jobs, allocs, ACL) and its client plane (exec, fs). */
import type { ChildProcess } from "node:child_process";

/** Task driver names the emulator simulates. */
export type DriverName = "docker" | "exec" | "raw_exec";

/** What the client plane needs to know about one allocation. */
export interface EmulatorAlloc {
  ID: string;
  Namespace: string;
  JobID: string;
  /** pending | running | complete | failed | lost | unknown */
  ClientStatus: string;
  /** run | stop | evict */
  DesiredStatus: string;
  /** Nomad-shaped task states, keyed by task name. */
  TaskStates: Record<string, { State: string; StartedAt: string | null; Failed: boolean }>;
  /** Task names in the allocation's group. */
  taskNames: string[];
  /** The driver of a task in this allocation. */
  driverOf(task: string): DriverName | undefined;
  /** Absolute host path of the allocation directory (`alloc/`, `<task>/local`, …). */
  allocDir: string;
  /** NOMAD_* variables (and the task's Env) a process of this task sees. */
  taskEnv(task: string): Record<string, string>;
  /** Group network mode is "none": processes get no network. */
  networkNone: boolean;
  /** Alloc was garbage-collected on the client (fs → 404 `state for allocation … not found on client`). */
  gcd: boolean;
}

/** Outcome of an ACL check. */
export type AclDecision = "allowed" | "denied";

/** Services the control plane gives the client plane. */
export interface EmulatorContext {
  /** Full-UUID lookup. */
  findAlloc(id: string): EmulatorAlloc | undefined;
  /**
   * ACL check for a namespace capability (`alloc-exec`, `alloc-node-exec`, `read-fs`, `read-logs`, …).
   * Always "allowed" when ACLs are off. `token` is the X-Nomad-Token / Bearer secret or undefined.
   */
  authorize(token: string | undefined, namespace: string, capability: string): AclDecision;
  /** Register a spawned process so `stop()` and alloc stop kill it (process group). */
  trackProcess(allocId: string, child: ChildProcess): void;
  /** Live fault settings (read on every request, so tests can change them mid-run). */
  faults: ClientFaults;
  /** Count a request for stats(): route label such as "GET /v1/client/fs/cat/:alloc". */
  countRequest(route: string): void;
  /**
   * Optional (added by part B): how task processes are isolated, so exec'd processes get the same view as the
   * task (`spawnTaskProcess`'s `isolation`). Absent → spawnTaskProcess's default.
   */
  isolation?: "bwrap" | "none";
  /** Optional (added by part B): raft index and leader state for the X-Nomad-* read headers on fs responses. */
  readMeta?(): { index: number; knownLeader: boolean };
}

/** Client-plane faults and options. */
export interface ClientFaults {
  /** After this many stdout bytes of an exec, drop the socket (simulates a cut stream). */
  execCutAfterBytes?: number;
  /** How an exec session ends after `exited`: Nomad drops TCP ("drop", default) or sends close 1000. */
  execEnding: "drop" | "close1000";
}
