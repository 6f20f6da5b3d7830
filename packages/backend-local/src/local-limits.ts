/** Resource limits with what the host offers: cgroup v1/v2 dirs where writable, else prlimit on the init and every exec. */
import { existsSync, mkdirSync, readFileSync, rmdirSync } from "node:fs";
import { mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Resources } from "@agentkernel/core";

const CGROUP_ROOT = "/sys/fs/cgroup";
const V1_CONTROLLERS = ["memory", "pids", "cpu"] as const;
const CFS_PERIOD_US = 100_000;

/** How limits are applied to one sandbox. */
export interface LimitPlan {
  /** cgroup dirs the init and every exec join (empty when cgroups are not writable). */
  cgroups: string[];
  /** prlimit options to prefix commands with when cgroups are unavailable. */
  prlimit: string[];
}

export interface LimitOptions {
  /** Max processes (pids.max, or RLIMIT_NPROC per uid without cgroups). Default 1024. */
  pidsMax?: number;
}

/** Which cgroup layout this host has: v1 controller hierarchies, pure v2, or none. */
export function cgroupLayout(): "v1" | "v2" | "none" {
  if (existsSync(join(CGROUP_ROOT, "memory", "memory.limit_in_bytes"))) return "v1";
  if (existsSync(join(CGROUP_ROOT, "cgroup.controllers"))) return "v2";
  return "none";
}

/** True when this process may create cgroups (probed once: mkdir + rmdir of a throwaway dir). */
export function cgroupsWritable(): boolean {
  const layout = cgroupLayout();
  if (layout === "none") return false;
  const probe = layout === "v1" ? "/sys/fs/cgroup/pids/agentkernel-probe-" : "/sys/fs/cgroup/agentkernel-probe-";
  const dir = `${probe}${process.pid}`;
  try {
    mkdirSync(dir);
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Our own cgroup path for a controller (v1) or the unified one (v2, controller ""), from /proc/self/cgroup. */
function ownCgroup(controller: string): string {
  const lines = readFileSync("/proc/self/cgroup", "utf8").trim().split("\n");
  for (const line of lines) {
    const [, list, path] = line.split(/:(.*?):/);
    const controllers = (list ?? "").split(",");
    if ((controller === "" && list === "") || controllers.includes(controller)) return path ?? "/";
  }
  return "/";
}

/** Host CPU speed in MHz, to turn Nomad-style `cpuMHz` into a CPU quota. */
function hostMHz(): number {
  try {
    const match = /cpu MHz\s*:\s*([\d.]+)/.exec(readFileSync("/proc/cpuinfo", "utf8"));
    const mhz = match ? Number(match[1]) : Number.NaN;
    return Number.isFinite(mhz) && mhz > 0 ? mhz : 2000;
  } catch {
    return 2000;
  }
}

function cpuQuotaUs(resources: Resources | undefined): number | undefined {
  const vcpus = resources?.vcpus ?? (resources?.cpuMHz !== undefined ? resources.cpuMHz / hostMHz() : undefined);
  return vcpus === undefined ? undefined : Math.max(1000, Math.round(vcpus * CFS_PERIOD_US));
}

function memoryBytes(resources: Resources | undefined): number | undefined {
  const mb = resources?.memoryMaxMB ?? resources?.memoryMB;
  return mb === undefined ? undefined : mb * 1024 * 1024;
}

/** Creates `dir` and writes each limit file; throws when the host does not let us. */
async function makeCgroup(dir: string, files: [string, string][]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [file, value] of files) await writeFile(join(dir, file), value);
}

/**
 * Prepares limits for sandbox `name`. cgroups are nested under the caller's own cgroup, so a
 * sandbox never escapes the limits its creator runs under. Falls back to prlimit when not writable.
 */
export async function prepareLimits(
  name: string,
  resources: Resources | undefined,
  options: LimitOptions = {},
): Promise<LimitPlan> {
  const pidsMax = options.pidsMax ?? 1024;
  const memory = memoryBytes(resources);
  const quota = cpuQuotaUs(resources);
  const leaf = `agentkernel-${name}`;
  const layout = cgroupLayout();
  const created: string[] = [];
  try {
    if (layout === "v1") {
      for (const controller of V1_CONTROLLERS) {
        const dir = join(CGROUP_ROOT, controller, ownCgroup(controller), leaf);
        const files: [string, string][] = [];
        if (controller === "memory" && memory !== undefined) {
          files.push(["memory.limit_in_bytes", String(memory)]);
          if (existsSync(join(CGROUP_ROOT, "memory", "memory.memsw.limit_in_bytes"))) {
            files.push(["memory.memsw.limit_in_bytes", String(memory)]);
          }
        }
        if (controller === "pids") {
          files.push(["pids.max", String(pidsMax)]);
        }
        if (controller === "cpu" && quota !== undefined) {
          files.push(["cpu.cfs_period_us", String(CFS_PERIOD_US)], ["cpu.cfs_quota_us", String(quota)]);
        }
        await makeCgroup(dir, files);
        created.push(dir);
      }
      return { cgroups: created, prlimit: [] };
    }
    if (layout === "v2") {
      const dir = join(CGROUP_ROOT, ownCgroup(""), leaf);
      const files: [string, string][] = [["pids.max", String(pidsMax)]];
      if (memory !== undefined) {
        files.push(["memory.max", String(memory)], ["memory.swap.max", "0"]);
      }
      if (quota !== undefined) {
        files.push(["cpu.max", `${quota} ${CFS_PERIOD_US}`]);
      }
      await makeCgroup(dir, files);
      return { cgroups: [dir], prlimit: [] };
    }
  } catch {
    // Not writable (unprivileged, read-only cgroupfs, controller not delegated): fall back below.
    await removeCgroups(created);
  }
  return prlimitPlan(memory, pidsMax);
}

/** RLIMIT fallback: address space for memory (over-counts mappings), NPROC per host uid, no CPU rate. */
function prlimitPlan(memory: number | undefined, pidsMax: number): LimitPlan {
  const prlimit = [`--nproc=${pidsMax}`];
  if (memory !== undefined) prlimit.push(`--as=${memory}`);
  return { cgroups: [], prlimit };
}

/** Every pid in the sandbox's cgroups (the init, its children, and every exec). */
export async function cgroupPids(dirs: string[]): Promise<number[]> {
  const pids = new Set<number>();
  for (const dir of dirs) {
    try {
      for (const line of (await readFile(join(dir, "cgroup.procs"), "utf8")).split("\n")) if (line) pids.add(Number(line));
    } catch {
      // Removed already.
    }
  }
  return [...pids];
}

/** Removes the cgroup dirs, waiting briefly for killed members to leave. */
export async function removeCgroups(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") break;
        if (code !== "EBUSY" || attempt === 99) break;
        await delay(20);
      }
    }
  }
}
