// Nomad variable, event, node, fs, ACL and agent shapes in API casing.
import type { Allocation, Evaluation } from "./types-allocations.js";
import type { JobInfo } from "./types-jobs.js";

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
