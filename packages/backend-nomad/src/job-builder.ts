/** Pure translation of a SandboxSpec into the Nomad batch job that runs it (snapshot-tested per profile). */
import type { Resources, SandboxSpec, SecurityProfile } from "@agentkernel/core";
import { type DriverOptions, toTaskConfig } from "./drivers/index.js";
import {
  GROUP_NAME,
  jobIdFor,
  labelsToMeta,
  META_CREATED_AT,
  META_IDLE_TIMEOUT_SECONDS,
  META_IMAGE,
  META_MANAGED,
  META_NETWORK,
  META_PROFILE,
  META_READ_ONLY_ROOT,
  META_RESOURCES,
  META_SANDBOX,
  META_TTL_SECONDS,
  TASK_NAME,
} from "./job-meta.js";
import { PROFILE_HARDENING } from "./profiles.js";
import { encodeSpecFiles, META_FILES } from "./spec-files.js";

const SECOND_NS = 1_000_000_000;

/** Settings the job builder takes from backend options (everything but the spec itself). */
export interface JobBuilderSettings {
  driver: DriverOptions;
  datacenters: string[];
  namespace?: string;
  region?: string;
  /** Used when the spec has no image. */
  defaultImage: string;
  /** Used when the spec has no profile. */
  defaultProfile: SecurityProfile;
  /** MHz per vCPU when the spec gives `vcpus` (Nomad schedules CPU in MHz). */
  mhzPerVcpu: number;
  /** Resources when the spec gives none. */
  defaultResources: { cpuMHz: number; memoryMB: number; memoryMaxMB?: number };
  /**
   * The sandbox's main process. `sleep infinity` works with GNU coreutils and busybox ≥ 1.31 (alpine ≥ 3.11);
   * use `["sleep", "2147483647"]` for older busybox images.
   */
  mainCommand: readonly [string, ...string[]];
  /** Ephemeral disk (alloc dir) in MB. */
  diskMB: number;
}

/** The Nomad job JSON for one sandbox, in API casing. */
export interface SandboxJob {
  ID: string;
  Name: string;
  Type: "batch";
  Priority: number;
  Datacenters: string[];
  Namespace?: string;
  Region?: string;
  Stop: boolean;
  Meta: Record<string, string>;
  TaskGroups: [SandboxTaskGroup];
}

export interface SandboxTaskGroup {
  Name: string;
  Count: 1;
  RestartPolicy: { Attempts: number; Interval: number; Delay: number; Mode: "fail" };
  ReschedulePolicy: {
    Attempts: number;
    Interval: number;
    Delay: number;
    DelayFunction: "constant";
    MaxDelay: number;
    Unlimited: boolean;
  };
  Disconnect: { Replace: boolean };
  EphemeralDisk: { SizeMB: number; Sticky: boolean; Migrate: boolean };
  Networks?: { Mode: "none" }[];
  Tasks: [SandboxTask];
}

export interface SandboxTask {
  Name: string;
  Driver: DriverOptions["driver"];
  Config: Record<string, unknown>;
  Env: Record<string, string>;
  Meta: Record<string, string>;
  Resources: { CPU: number; MemoryMB: number; MemoryMaxMB?: number };
  KillTimeout: number;
  LogConfig: { MaxFiles: number; MaxFileSizeMB: number };
}

/** Task resources in Nomad units: CPU from `cpuMHz`, or `vcpus × mhzPerVcpu`, or the default. */
export function toNomadResources(
  resources: Resources | undefined,
  settings: Pick<JobBuilderSettings, "mhzPerVcpu" | "defaultResources">,
): SandboxTask["Resources"] {
  const d = settings.defaultResources;
  const cpu =
    resources?.cpuMHz ??
    (resources?.vcpus !== undefined ? Math.max(1, Math.round(resources.vcpus * settings.mhzPerVcpu)) : d.cpuMHz);
  const memoryMB = resources?.memoryMB ?? d.memoryMB;
  const memoryMaxMB = resources?.memoryMaxMB ?? d.memoryMaxMB;
  const out: SandboxTask["Resources"] = { CPU: cpu, MemoryMB: Math.max(memoryMB, 10) };
  if (memoryMaxMB !== undefined) out.MemoryMaxMB = Math.max(memoryMaxMB, out.MemoryMB);
  return out;
}

/**
 * Builds `agentkernel-<name>`: a batch job with one group and one task, both named `sandbox`.
 *
 * Restart/reschedule: batch type (service jobs restart forever, even on exit 0), RestartPolicy
 * `Attempts: 0, Mode: "fail"` and ReschedulePolicy `Attempts: 0, Unlimited: false`, plus
 * `Disconnect.Replace: false`. A sandbox holds state in its filesystem; a silent restart or a move to
 * another node would hand the caller a fresh filesystem under the same name. With these settings a
 * dead main process shows as `failed` and a lost node as `lost`, and the caller decides.
 */
export function buildSandboxJob(
  spec: SandboxSpec,
  settings: JobBuilderSettings,
  options: { stop: boolean; createdAt: Date },
): SandboxJob {
  const profile = spec.profile ?? settings.defaultProfile;
  const hardening = PROFILE_HARDENING[profile];
  const network = spec.network ?? hardening.networkDefault;
  const readOnlyRoot = spec.readOnlyRoot ?? hardening.readOnlyRootDefault;
  const image = spec.image ?? settings.defaultImage;
  const meta: Record<string, string> = {
    ...labelsToMeta(spec.labels),
    [META_SANDBOX]: spec.name,
    [META_MANAGED]: "true",
    [META_IMAGE]: image,
    [META_PROFILE]: profile,
    [META_NETWORK]: String(network),
    [META_READ_ONLY_ROOT]: String(readOnlyRoot),
    [META_CREATED_AT]: options.createdAt.toISOString(),
  };
  if (spec.resources !== undefined) meta[META_RESOURCES] = JSON.stringify(spec.resources);
  if (spec.ttlSeconds !== undefined) meta[META_TTL_SECONDS] = String(spec.ttlSeconds);
  if (spec.idleTimeoutSeconds !== undefined) meta[META_IDLE_TIMEOUT_SECONDS] = String(spec.idleTimeoutSeconds);
  if (spec.files !== undefined && spec.files.length > 0) meta[META_FILES] = encodeSpecFiles(spec.files);

  const config = toTaskConfig(settings.driver, {
    image,
    mainCommand: settings.mainCommand,
    network,
    readOnlyRoot,
    hardening,
  });
  const group: SandboxTaskGroup = {
    Name: GROUP_NAME,
    Count: 1,
    RestartPolicy: { Attempts: 0, Interval: 86_400 * SECOND_NS, Delay: 15 * SECOND_NS, Mode: "fail" },
    ReschedulePolicy: {
      Attempts: 0,
      Interval: 0,
      Delay: 5 * SECOND_NS,
      DelayFunction: "constant",
      MaxDelay: 0,
      Unlimited: false,
    },
    Disconnect: { Replace: false },
    EphemeralDisk: { SizeMB: settings.diskMB, Sticky: false, Migrate: false },
    Tasks: [
      {
        Name: TASK_NAME,
        Driver: settings.driver.driver,
        Config: config,
        Env: { ...(spec.env ?? {}) },
        Meta: { [META_SANDBOX]: spec.name, [META_MANAGED]: "true" },
        Resources: toNomadResources(spec.resources, settings),
        KillTimeout: 5 * SECOND_NS,
        LogConfig: { MaxFiles: 2, MaxFileSizeMB: 10 },
      },
    ],
  };
  // Docker isolates with its own network_mode="none" by default (no pause container needed, and
  // TASK-DRIVERS.md says to leave network_mode unset when a group network exists); exec and raw_exec
  // only get a private network namespace from the group's mode "none".
  const dockerTaskLevel = settings.driver.driver === "docker" && settings.driver.networkIsolation !== "group";
  if (!network && !dockerTaskLevel) group.Networks = [{ Mode: "none" }];
  const job: SandboxJob = {
    ID: jobIdFor(spec.name),
    Name: jobIdFor(spec.name),
    Type: "batch",
    Priority: 50,
    Datacenters: [...settings.datacenters],
    Stop: options.stop,
    Meta: meta,
    TaskGroups: [group],
  };
  if (settings.namespace !== undefined) job.Namespace = settings.namespace;
  if (settings.region !== undefined) job.Region = settings.region;
  return job;
}
