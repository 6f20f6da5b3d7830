/** Host process helpers: start times from /proc (to detect pid reuse), liveness, and killing whole trees. */
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";

/** A process identity that survives pid reuse: the pid plus its kernel start time (clock ticks since boot). */
export interface ProcessRef {
  pid: number;
  startTime: number;
}

/** Reads field 22 (starttime) and the state letter of /proc/<pid>/stat; undefined when the pid is gone. */
async function readStat(pid: number): Promise<{ state: string; startTime: number } | undefined> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const startTime = Number(fields[19]);
  const state = fields[0] ?? "?";
  return Number.isFinite(startTime) ? { state, startTime } : undefined;
}

/** The identity of a running pid, or undefined when it is gone. */
export async function processRef(pid: number): Promise<ProcessRef | undefined> {
  const stat = await readStat(pid);
  return stat ? { pid, startTime: stat.startTime } : undefined;
}

/** True when the process still runs and is the same one (not a zombie, not a reused pid). */
export async function isAlive(ref: ProcessRef): Promise<boolean> {
  const stat = await readStat(ref.pid);
  return stat !== undefined && stat.startTime === ref.startTime && stat.state !== "Z" && stat.state !== "X";
}

/** Sends `signal` to the process if it is still the same one; errors (already gone) are ignored. */
export async function signalProcess(ref: ProcessRef, signal: NodeJS.Signals): Promise<void> {
  if (!(await isAlive(ref))) return;
  try {
    process.kill(ref.pid, signal);
  } catch {
    // It exited between the check and the kill: nothing left to do.
  }
}

/** Direct children of `pid`, from /proc/<pid>/task/<tid>/children (every thread's list). */
async function childrenOf(pid: number): Promise<number[]> {
  const out: number[] = [];
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8");
    for (const part of text.trim().split(/\s+/)) if (part) out.push(Number(part));
  } catch {
    // Gone already.
  }
  return out;
}

/** `pid` and all its descendants, parents first. */
export async function processTree(pid: number): Promise<number[]> {
  const all: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    all.push(next);
    queue.push(...(await childrenOf(next)));
  }
  return all;
}

/**
 * SIGKILLs a process group and every descendant of `pid`. Descendants are collected first and
 * killed together so a parent dying cannot orphan (reparent) children we have not seen yet.
 */
export async function killTree(pid: number): Promise<void> {
  const tree = await processTree(pid);
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // No such group (not a group leader, or gone).
  }
  for (const p of tree) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

/** Waits until `ref` is gone, up to `timeoutMs`; resolves false when it still runs. */
export async function waitGone(ref: ProcessRef, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!(await isAlive(ref))) return true;
    await delay(20);
  }
  return !(await isAlive(ref));
}
