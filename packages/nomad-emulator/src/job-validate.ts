/** Job validation with Nomad's messages, reported as hashicorp/go-multierror text (HTTP 500). */
import type { GroupSpec, JobSpec, TaskSpec } from "./types.js";

/** go-multierror's list format as REFERENCE.md records it: `N error(s) occurred:\n\n* a\n* b`. */
export function multierror(errors: string[]): string {
  return `${errors.length} error(s) occurred:\n\n${errors.map((e) => `* ${e}`).join("\n")}`;
}

const JOB_TYPES = new Set(["service", "batch", "system", "sysbatch"]);

function validateTask(t: TaskSpec): string[] {
  const errs: string[] = [];
  if (t.Name === "") errs.push("Missing task name");
  if (t.Name.includes("/")) errs.push(`Task name "${t.Name}" contains a slash`);
  if (t.Driver === "") errs.push("Missing task driver");
  const r = t.Resources;
  if (r.CPU > 0 && r.Cores > 0) errs.push("Task can only ask for 'cpu' or 'cores' resource, not both.");
  else if (r.Cores === 0 && r.CPU < 1) errs.push(`minimum CPU value is 1; got ${r.CPU}`);
  if (r.MemoryMB < 10) errs.push(`minimum MemoryMB value is 10; got ${r.MemoryMB}`);
  if (r.MemoryMaxMB !== 0 && r.MemoryMaxMB < r.MemoryMB) {
    errs.push(`MemoryMaxMB value (${r.MemoryMaxMB}) should be larger than MemoryMB value (${r.MemoryMB}`);
  }
  if (t.KillTimeout < 0) errs.push("KillTimeout must be a positive value");
  return errs;
}

function validateGroup(g: GroupSpec, index: number, seen: Set<string>): string[] {
  const errs: string[] = [];
  if (g.Name === "") errs.push(`Job task group ${index + 1} missing name`);
  else if (seen.has(g.Name))
    errs.push(`Job task group ${index + 1} redefines '${g.Name}' from group ${[...seen].indexOf(g.Name) + 1}`);
  seen.add(g.Name);
  const inner: string[] = [];
  if (g.Count < 0) inner.push("Task group count can't be negative");
  if (g.Tasks.length === 0) inner.push("Missing tasks for task group");
  const names = new Set<string>();
  g.Tasks.forEach((t, i) => {
    if (t.Name !== "" && names.has(t.Name)) inner.push(`Task ${i + 1} redefines '${t.Name}' from task ${i}`);
    names.add(t.Name);
    const te = validateTask(t);
    if (te.length > 0) inner.push(`Task ${t.Name || i + 1} validation failed: ${multierror(te)}`);
  });
  if (inner.length > 0) errs.push(`Task group ${g.Name} validation failed: ${multierror(inner)}`);
  return errs;
}

/** Returns Nomad's validation errors for a canonicalized job (empty when valid). */
export function validateJob(job: JobSpec): string[] {
  const errs: string[] = [];
  if (job.ID === "") errs.push("Missing job ID");
  else if (job.ID.includes(" ")) errs.push("Job ID contains a space");
  else if (job.ID.includes("\0")) errs.push("Job ID contains a null character");
  if (job.Name === "") errs.push("Missing job name");
  else if (job.Name.includes("\0")) errs.push("Job Name contains a null character");
  if (!JOB_TYPES.has(job.Type)) errs.push(`Invalid job type: "${job.Type}"`);
  if (job.Priority < 1 || job.Priority > 100) errs.push("Job priority must be between [1, 100]");
  if (job.TaskGroups.length === 0) errs.push("Missing job task groups");
  const seen = new Set<string>();
  job.TaskGroups.forEach((g, i) => {
    errs.push(...validateGroup(g, i, seen));
  });
  const p = job.ParameterizedJob;
  if (p) {
    if (job.Type !== "batch" && job.Type !== "sysbatch") {
      errs.push('Parameterized job can only be used with "batch" or "sysbatch" scheduler');
    }
    if (!["optional", "required", "forbidden"].includes(p.Payload)) errs.push(`Unknown payload requirement: "${p.Payload}"`);
    const opt = new Set(p.MetaOptional ?? []);
    const both = (p.MetaRequired ?? []).filter((k) => opt.has(k));
    if (both.length > 0)
      errs.push(`Required and optional meta keys should be disjoint. Following keys exist in both: [${both.join(" ")}]`);
  }
  return errs;
}

/** Register warnings (newline-joined by the caller), e.g. ignored memory_max. */
export function jobWarnings(job: JobSpec): string[] {
  const w: string[] = [];
  for (const g of job.TaskGroups) {
    for (const t of g.Tasks) {
      if (t.Resources.MemoryMaxMB > 0) {
        w.push(
          `Memory oversubscription is not enabled; Task "${g.Name}.${t.Name}" memory_max value will be ignored. Update the Scheduler Configuration to allow oversubscription.`,
        );
      }
    }
  }
  return w;
}
