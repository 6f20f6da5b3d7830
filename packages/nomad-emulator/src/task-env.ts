/** The NOMAD_* environment and argv a task process gets, as Nomad's taskenv builds them. */
import { join } from "node:path";
import type { Alloc } from "./alloc.js";
import type { NodeRecord, TaskSpec } from "./types.js";

/** Whether a task's paths are seen through bind mounts (/alloc, /local, /secrets) or as host paths. */
export function insideView(driver: string, isolation: "bwrap" | "none"): boolean {
  return driver !== "raw_exec" && isolation === "bwrap";
}

/** Builds the environment for one task: NOMAD_* vars, NOMAD_META_*, then the task's Env (interpolated). */
export function buildTaskEnv(
  alloc: Alloc,
  task: TaskSpec,
  node: NodeRecord,
  region: string,
  isolation: "bwrap" | "none",
): Record<string, string> {
  const job = alloc.Job;
  const g = alloc.group();
  const inside = insideView(task.Driver, isolation);
  const taskDir = join(alloc.allocDir, task.Name);
  const env: Record<string, string> = {
    NOMAD_ALLOC_DIR: inside ? "/alloc" : join(alloc.allocDir, "alloc"),
    NOMAD_TASK_DIR: inside ? "/local" : join(taskDir, "local"),
    NOMAD_SECRETS_DIR: inside ? "/secrets" : join(taskDir, "secrets"),
    NOMAD_ALLOC_ID: alloc.ID,
    NOMAD_SHORT_ALLOC_ID: alloc.ID.slice(0, 8),
    NOMAD_ALLOC_NAME: alloc.Name,
    NOMAD_ALLOC_INDEX: String(alloc.index),
    NOMAD_TASK_NAME: task.Name,
    NOMAD_GROUP_NAME: alloc.TaskGroup,
    NOMAD_JOB_ID: job.ID,
    NOMAD_JOB_NAME: job.Name,
    NOMAD_NAMESPACE: job.Namespace,
    NOMAD_REGION: region,
    NOMAD_DC: node.Datacenter,
    NOMAD_NODE_ID: node.ID,
    NOMAD_NODE_NAME: node.Name,
    NOMAD_CPU_LIMIT: String(task.Resources.CPU),
    NOMAD_MEMORY_LIMIT: String(task.Resources.MemoryMB),
  };
  if (job.ParentID) {
    env.NOMAD_JOB_PARENT_ID = job.ParentID;
    env.NOMAD_PARENT_CGROUP = "nomad.slice";
  }
  if (task.Resources.MemoryMaxMB > 0) env.NOMAD_MEMORY_MAX_LIMIT = String(task.Resources.MemoryMaxMB);
  const meta = { ...(job.Meta ?? {}), ...(g?.Meta ?? {}), ...(task.Meta ?? {}) };
  for (const [k, v] of Object.entries(meta)) {
    env[`NOMAD_META_${k}`] = v;
    env[`NOMAD_META_${k.toUpperCase()}`] = v;
  }
  for (const [k, v] of Object.entries(task.Env ?? {})) env[k] = interpolate(v, env);
  return env;
}

/** Replaces `${NOMAD_…}`-style references with known values; unknown ones stay as written (as Nomad leaves them). */
export function interpolate(s: string, env: Record<string, string>): string {
  return s.replace(/\$\{([^}]+)\}/g, (whole, name: string) => env[name.replace(/^env\./, "")] ?? whole);
}

/** argv of a task: docker `entrypoint` + `command` + `args`; exec/raw_exec `command` + `args`. */
export function taskArgv(task: TaskSpec, env: Record<string, string>): string[] | string {
  const c = task.Config;
  const args = Array.isArray(c.args)
    ? c.args.filter((a): a is string => typeof a === "string").map((a) => interpolate(a, env))
    : [];
  const command = typeof c.command === "string" && c.command !== "" ? interpolate(c.command, env) : undefined;
  if (task.Driver === "docker") {
    if (typeof c.image !== "string" || c.image === "") return "image is required";
    const entry = Array.isArray(c.entrypoint) ? c.entrypoint.filter((a): a is string => typeof a === "string") : [];
    if (!command && entry.length === 0) {
      return `emulator cannot run image "${c.image}" without Config.command: the image's CMD is unknown (images are not pulled)`;
    }
    return [...entry, ...(command ? [command] : []), ...args];
  }
  if (!command) return `failed to parse config: missing required attribute "command"`;
  return [command, ...args];
}
