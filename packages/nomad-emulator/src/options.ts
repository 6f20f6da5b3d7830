/** startEmulator options and their defaults (one ready dc1 node with docker, exec and raw_exec). */
import { newId } from "./ids.js";
import type { NodeRecord } from "./types.js";

/** A simulated client node. */
export interface NodeOptions {
  name?: string;
  datacenter?: string;
  /** ready | down | initializing | disconnected (default ready). */
  status?: string;
  cpuMHz?: number;
  memoryMB?: number;
  diskMB?: number;
  /** Drivers Detected+Healthy on this node (default docker, exec, raw_exec). */
  drivers?: string[];
  /** Drivers reported but unhealthy (Detected:true, Healthy:false). */
  unhealthyDrivers?: string[];
}

/** ACL settings. */
export interface AclOptions {
  enabled: boolean;
  /** Fixed management secret (default: a random UUID). */
  managementToken?: string;
}

/** Options of startEmulator. */
export interface EmulatorOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  nodes?: NodeOptions[];
  acl?: AclOptions;
  /** Faults active from the start (same shapes as inject()). */
  faults?: import("./faults.js").Fault[];
  /** Delay between an eval being created and the scheduler processing it (ms). */
  placementDelayMs?: number;
  /** Delay between placement and the task process starting, imitating an image pull (ms). */
  taskStartDelayMs?: number;
  /** Root for alloc dirs (default: a fresh temp dir removed on stop). */
  dataDir?: string;
  /** How docker/exec tasks are isolated: bubblewrap when available (default) or plain host processes. */
  isolation?: "bwrap" | "none";
  /** Interval of the event stream's `{}` heartbeat (Nomad: 30 s). */
  eventHeartbeatMs?: number;
  /** Raft entries kept for the event stream (Nomad's event_buffer_size default 100). */
  eventBufferSize?: number;
  /** Region and datacenter reported by the agent. */
  region?: string;
  /** Cap on KillTimeout when stopping tasks, so tests are not held by 5 s grace periods (default: none). */
  maxKillTimeoutMs?: number;
}

/** The Nomad version the emulator reports and whose behaviour it follows for version-dependent corners. */
export const EMULATED_VERSION = "1.10.5";

/** Builds node records from options. */
export function buildNodes(opts: NodeOptions[] | undefined): NodeRecord[] {
  const list = opts && opts.length > 0 ? opts : [{}];
  return list.map((o, i) => {
    const drivers: NodeRecord["drivers"] = {};
    for (const d of o.drivers ?? ["docker", "exec", "raw_exec"]) drivers[d] = { Detected: true, Healthy: true };
    for (const d of o.unhealthyDrivers ?? []) drivers[d] = { Detected: true, Healthy: false };
    return {
      ID: newId(),
      Name: o.name ?? `emulator-node-${i + 1}`,
      Datacenter: o.datacenter ?? "dc1",
      Status: o.status ?? "ready",
      cpuMHz: o.cpuMHz ?? 4000,
      memoryMB: o.memoryMB ?? 8192,
      diskMB: o.diskMB ?? 100_000,
      drivers,
      CreateIndex: 1,
      ModifyIndex: 1,
    };
  });
}

/** The /v1/nodes stub of a node. */
export function nodeStub(n: NodeRecord, emulatedVersion: string): Record<string, unknown> {
  const drivers: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(n.drivers)) {
    const attributes: Record<string, string> = { [`driver.${name}`]: "1" };
    if (name === "docker") {
      attributes["driver.docker.version"] = "27.3.1";
      attributes["driver.docker.privileged.enabled"] = "false";
    }
    drivers[name] = {
      Detected: d.Detected,
      Healthy: d.Healthy,
      HealthDescription: d.Healthy ? "Healthy" : "Driver is unhealthy",
      Attributes: d.Detected ? attributes : null,
      UpdateTime: new Date().toISOString(),
    };
  }
  return {
    Address: "127.0.0.1",
    ID: n.ID,
    Attributes: { "kernel.name": "linux", "nomad.version": emulatedVersion },
    Datacenter: n.Datacenter,
    Name: n.Name,
    NodeClass: "",
    NodePool: "default",
    Version: emulatedVersion,
    Drain: false,
    SchedulingEligibility: "eligible",
    Status: n.Status,
    StatusDescription: "",
    Drivers: drivers,
    HostVolumes: null,
    NodeResources: { Cpu: { CpuShares: n.cpuMHz }, Memory: { MemoryMB: n.memoryMB }, Disk: { DiskMB: n.diskMB } },
    LastDrain: null,
    CreateIndex: n.CreateIndex,
    ModifyIndex: n.ModifyIndex,
  };
}
