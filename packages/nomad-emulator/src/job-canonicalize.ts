/** Turns a submitted API job into the stored JobSpec, applying Nomad's server/api defaults. */
import { asRecord, asStringMap } from "./http-util.js";
import type { GroupSpec, JobSpec, ParameterizedSpec, RestartPolicy, TaskSpec } from "./types.js";

const SECOND = 1_000_000_000;

const num = (v: unknown, d: number): number => (typeof v === "number" && Number.isFinite(v) ? v : d);
const str = (v: unknown, d: string): string => (typeof v === "string" && v !== "" ? v : d);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function restartDefaults(type: string, v: unknown): RestartPolicy {
  const r = asRecord(v) ?? {};
  // src: batch {3, 24h, 15s, fail}; service {2, 30m, 15s, fail}
  const batch = type === "batch" || type === "sysbatch";
  return {
    ...r,
    Attempts: num(r.Attempts, batch ? 3 : 2),
    Interval: num(r.Interval, batch ? 24 * 3600 * SECOND : 1800 * SECOND),
    Delay: num(r.Delay, 15 * SECOND),
    Mode: str(r.Mode, "fail"),
  };
}

function rescheduleDefaults(type: string, v: unknown): Record<string, unknown> {
  const r = asRecord(v) ?? {};
  const batch = type === "batch" || type === "sysbatch";
  return {
    Attempts: num(r.Attempts, batch ? 1 : 0),
    Interval: num(r.Interval, batch ? 24 * 3600 * SECOND : 0),
    Delay: num(r.Delay, batch ? 5 * SECOND : 30 * SECOND),
    DelayFunction: str(r.DelayFunction, batch ? "constant" : "exponential"),
    MaxDelay: num(r.MaxDelay, batch ? 0 : 3600 * SECOND),
    Unlimited: typeof r.Unlimited === "boolean" ? r.Unlimited : !batch,
  };
}

function canonicalTask(v: unknown): TaskSpec {
  const t = asRecord(v) ?? {};
  const res = asRecord(t.Resources) ?? {};
  const hasCpu = typeof res.CPU === "number";
  const hasCores = typeof res.Cores === "number" && res.Cores > 0;
  const dp = asRecord(t.DispatchPayload);
  const log = asRecord(t.LogConfig) ?? {};
  return {
    ...t,
    Name: typeof t.Name === "string" ? t.Name : "",
    Driver: typeof t.Driver === "string" ? t.Driver : "",
    Config: asRecord(t.Config) ?? {},
    Env: asStringMap(t.Env) ?? null,
    Meta: asStringMap(t.Meta) ?? null,
    Resources: {
      ...res,
      // api Canonicalize: CPU 100 only when neither CPU nor Cores is set; MemoryMB 300.
      CPU: hasCpu ? (res.CPU as number) : hasCores ? 0 : 100,
      Cores: num(res.Cores, 0),
      MemoryMB: num(res.MemoryMB, 300),
      MemoryMaxMB: num(res.MemoryMaxMB, 0),
    },
    KillTimeout: num(t.KillTimeout, 5 * SECOND),
    KillSignal: typeof t.KillSignal === "string" ? t.KillSignal : "",
    LogConfig: {
      ...log,
      MaxFiles: num(log.MaxFiles, 10),
      MaxFileSizeMB: num(log.MaxFileSizeMB, 10),
      Disabled: log.Disabled === true,
    },
    DispatchPayload: dp && typeof dp.File === "string" ? { File: dp.File } : null,
  };
}

function canonicalGroup(type: string, v: unknown): GroupSpec {
  const g = asRecord(v) ?? {};
  const disk = asRecord(g.EphemeralDisk) ?? {};
  const nets = Array.isArray(g.Networks) ? g.Networks.map((n) => asRecord(n) ?? {}) : null;
  return {
    ...g,
    Name: typeof g.Name === "string" ? g.Name : "",
    Count: num(g.Count, 1),
    Tasks: arr(g.Tasks).map(canonicalTask),
    RestartPolicy: restartDefaults(type, g.RestartPolicy),
    ReschedulePolicy: rescheduleDefaults(type, g.ReschedulePolicy),
    Disconnect: asRecord(g.Disconnect) ?? null,
    Networks: nets,
    EphemeralDisk: {
      SizeMB: num(disk.SizeMB, 300),
      Sticky: disk.Sticky === true,
      Migrate: disk.Migrate === true,
    },
    Meta: asStringMap(g.Meta) ?? null,
  };
}

function canonicalParameterized(v: unknown): ParameterizedSpec | null {
  const p = asRecord(v);
  if (!p) return null;
  const list = (x: unknown): string[] | null => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : null);
  return { Payload: str(p.Payload, "optional"), MetaRequired: list(p.MetaRequired), MetaOptional: list(p.MetaOptional) };
}

/** Applies defaults to an API job. `id` must already be checked to be a string. */
export function canonicalizeJob(raw: Record<string, unknown>, namespace: string, region: string): JobSpec {
  const type = str(raw.Type, "service");
  const id = typeof raw.ID === "string" ? raw.ID : "";
  const dcs = Array.isArray(raw.Datacenters) ? raw.Datacenters.filter((d): d is string => typeof d === "string") : [];
  return {
    ...raw,
    ID: id,
    Name: typeof raw.Name === "string" && raw.Name !== "" ? raw.Name : id,
    Namespace: namespace,
    Region: str(raw.Region, region),
    Type: type,
    Priority: num(raw.Priority, 50),
    Datacenters: dcs.length > 0 ? dcs : ["*"],
    NodePool: str(raw.NodePool, "default"),
    Meta: asStringMap(raw.Meta) ?? null,
    TaskGroups: arr(raw.TaskGroups).map((g) => canonicalGroup(type, g)),
    ParameterizedJob: canonicalParameterized(raw.ParameterizedJob),
    Periodic: asRecord(raw.Periodic) ?? null,
    Stop: raw.Stop === true,
    ParentID: typeof raw.ParentID === "string" ? raw.ParentID : "",
    Dispatched: false,
    Payload: null,
    Status: "pending",
    StatusDescription: "",
    Version: 0,
    Stable: false,
    SubmitTime: 0,
    CreateIndex: 0,
    ModifyIndex: 0,
    JobModifyIndex: 0,
  };
}

const SERVER_FIELDS = [
  "Status",
  "StatusDescription",
  "Version",
  "Stable",
  "SubmitTime",
  "CreateIndex",
  "ModifyIndex",
  "JobModifyIndex",
  "Dispatched",
  "Payload",
] as const;

/** A stable fingerprint of the user-controlled part of a job (Version bumps only when it changes). */
export function specFingerprint(job: JobSpec): string {
  const copy: Record<string, unknown> = { ...job };
  for (const f of SERVER_FIELDS) delete copy[f];
  return stableStringify(copy);
}

/** JSON with sorted keys, so field order in the request does not count as a change. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const r = v as Record<string, unknown>;
    const keys = Object.keys(r)
      .filter((k) => r[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify(r[k])}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
