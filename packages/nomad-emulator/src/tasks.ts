/** The simulated client: alloc dirs laid out like Nomad's, task processes, restarts, kills and TaskStates. */
import type { ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Alloc } from "./alloc.js";
import { nowNs, nowRfc3339 } from "./ids.js";
import type { State } from "./state.js";
import { addEvent, goDuration, taskEvent } from "./task-events.js";
import { taskArgv } from "./task-env.js";
import { exitOutcome } from "./task-exit.js";
import { spawnTaskProcess } from "./task-process.js";
import { killGroup, ProcessGroups } from "./process-groups.js";
import type { TaskSpec } from "./types.js";

/** The signal a task is stopped with: its KillSignal, else the driver's default (docker SIGTERM, others SIGINT). */
function killSignalOf(t: TaskSpec | undefined): string {
  return t?.KillSignal || (t?.Driver === "docker" ? "SIGTERM" : "SIGINT");
}

/** Runner settings. */
export interface RunnerOptions {
  isolation: "bwrap" | "none";
  taskStartDelayMs: number;
  maxKillTimeoutMs?: number;
  /** Called (outside any write) when an alloc's client status becomes terminal. */
  onClientTerminal(alloc: Alloc): void;
}

/** Runs and stops allocations' main tasks as real process groups. */
export class TaskRunner {
  /** Every process group started for an alloc (tasks and part B's exec sessions). */
  private readonly groups = new ProcessGroups();
  private readonly mains = new Map<string, Map<string, ChildProcess>>();
  private readonly stopping = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: State,
    private readonly opts: RunnerOptions,
  ) {}

  /** Registers a process so alloc stop and emulator stop kill its group. */
  track(allocId: string, child: ChildProcess): void {
    this.groups.track(allocId, child);
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private update(alloc: Alloc, fn: () => void): void {
    if (this.closed) return;
    this.state.write(["allocs"], (index) => {
      fn();
      alloc.ModifyIndex = index;
      alloc.ModifyTime = nowNs();
      this.state.touchJob(alloc.Namespace, alloc.JobID);
      this.state.publishAlloc(alloc, "AllocationUpdated");
    });
  }

  /** Builds the alloc dir and starts every task after the configured start delay. */
  start(alloc: Alloc, payload: Buffer | undefined): void {
    this.later(0, () => {
      if (alloc.DesiredStatus !== "run") {
        this.finishUnstarted(alloc);
        return;
      }
      const g = alloc.group();
      if (!g) return;
      for (const d of ["data", "logs", "tmp"]) mkdirSync(join(alloc.allocDir, "alloc", d), { recursive: true });
      for (const t of g.Tasks) {
        for (const d of ["local", "secrets", "tmp", "private"]) mkdirSync(join(alloc.allocDir, t.Name, d), { recursive: true });
        if (payload && t.DispatchPayload?.File)
          writeFileSync(join(alloc.allocDir, t.Name, "local", t.DispatchPayload.File), payload);
      }
      this.update(alloc, () => {
        for (const t of g.Tasks) {
          const ts = alloc.TaskStates[t.Name];
          if (!ts) continue;
          addEvent(
            ts,
            taskEvent(
              "Task Setup",
              "Building Task Directory",
              { message: "Building Task Directory" },
              { Message: "Building Task Directory" },
            ),
          );
          if (t.Driver === "docker")
            addEvent(ts, taskEvent("Driver", "Downloading image", { image: String(t.Config.image ?? "") }));
        }
      });
      this.later(this.opts.taskStartDelayMs, () => {
        if (alloc.DesiredStatus !== "run") {
          this.finishUnstarted(alloc);
          return;
        }
        for (const t of g.Tasks) this.spawnTask(alloc, t);
      });
    });
  }

  private spawnTask(alloc: Alloc, task: TaskSpec): void {
    const env = alloc.taskEnv(task.Name);
    const argv = taskArgv(task, env);
    const ts = alloc.TaskStates[task.Name];
    if (!ts) return;
    if (typeof argv === "string") {
      this.update(alloc, () => {
        addEvent(ts, taskEvent("Driver Failure", argv, {}, { DriverError: argv, FailsTask: true }));
        this.markDead(alloc, task.Name, true);
      });
      this.afterTaskDead(alloc);
      return;
    }
    const workDir = typeof task.Config.work_dir === "string" ? task.Config.work_dir : undefined;
    const child = spawnTaskProcess({
      allocDir: alloc.allocDir,
      task: task.Name,
      driver: task.Driver === "raw_exec" ? "raw_exec" : task.Driver === "exec" ? "exec" : "docker",
      argv,
      env,
      ...(workDir ? { cwd: workDir } : {}),
      networkNone: alloc.networkNone,
      isolation: this.opts.isolation,
    });
    child.stdin?.end();
    const logs = join(alloc.allocDir, "alloc", "logs");
    child.stdout?.pipe(createWriteStream(join(logs, `${task.Name}.stdout.0`), { flags: "a" }));
    child.stderr?.pipe(createWriteStream(join(logs, `${task.Name}.stderr.0`), { flags: "a" }));
    this.track(alloc.ID, child);
    let mains = this.mains.get(alloc.ID);
    if (!mains) {
      mains = new Map();
      this.mains.set(alloc.ID, mains);
    }
    mains.set(task.Name, child);
    child.once("error", (err) => {
      mains.delete(task.Name);
      this.update(alloc, () => {
        addEvent(
          ts,
          taskEvent(
            "Driver Failure",
            `failed to launch command with executor: ${err.message}`,
            {},
            { DriverError: err.message, FailsTask: true },
          ),
        );
        this.markDead(alloc, task.Name, true);
      });
      this.afterTaskDead(alloc);
    });
    child.once("spawn", () => {
      this.update(alloc, () => {
        ts.State = "running";
        ts.StartedAt = nowRfc3339();
        addEvent(ts, taskEvent("Started", "Task started by client"));
        if (Object.values(alloc.TaskStates).every((s) => s.State === "running") && alloc.ClientStatus === "pending") {
          alloc.ClientStatus = "running";
          alloc.ClientDescription = "Tasks are running";
        }
      });
    });
    child.once("exit", (code, signal) => this.onExit(alloc, task, code, signal));
  }

  private onExit(alloc: Alloc, task: TaskSpec, code: number | null, signal: NodeJS.Signals | null): void {
    this.mains.get(alloc.ID)?.delete(task.Name);
    const ts = alloc.TaskStates[task.Name];
    if (!ts || this.closed) return;
    const policy = alloc.group()?.RestartPolicy;
    const out = exitOutcome({
      code,
      signal,
      killed: this.stopping.has(alloc.ID),
      batch: alloc.Job.Type === "batch" || alloc.Job.Type === "sysbatch",
      policy,
      restarts: ts.Restarts,
    });
    const restart = out.restart;
    this.update(alloc, () => {
      for (const e of out.events) addEvent(ts, e);
      if (out.failed === undefined) ts.State = "pending";
      else this.markDead(alloc, task.Name, out.failed);
    });
    if (restart && policy) {
      this.later(policy.Delay / 1e6, () => {
        if (alloc.DesiredStatus !== "run") return;
        this.update(alloc, () => {
          ts.Restarts++;
          ts.LastRestart = nowRfc3339();
        });
        this.spawnTask(alloc, task);
      });
      return;
    }
    this.afterTaskDead(alloc);
  }

  /** Marks a task dead; the alloc's client status is settled once every task is dead. Call inside a write. */
  private markDead(alloc: Alloc, task: string, failed: boolean): void {
    const ts = alloc.TaskStates[task];
    if (!ts) return;
    ts.State = "dead";
    ts.Failed = ts.Failed || failed;
    ts.FinishedAt = nowRfc3339();
    const all = Object.values(alloc.TaskStates);
    if (!all.every((s) => s.State === "dead") || alloc.clientTerminal()) return;
    if (all.some((s) => s.Failed)) {
      alloc.ClientStatus = "failed";
      alloc.ClientDescription = "Failed tasks";
    } else {
      alloc.ClientStatus = "complete";
      alloc.ClientDescription = "All tasks have completed";
    }
  }

  private afterTaskDead(alloc: Alloc): void {
    if (alloc.clientTerminal()) {
      this.stopping.delete(alloc.ID);
      // Like a container whose PID 1 exited: whatever is left of the alloc's groups goes too.
      this.groups.killAll(alloc.ID);
      this.opts.onClientTerminal(alloc);
    }
  }

  /** An alloc told to stop before its tasks started just completes. */
  private finishUnstarted(alloc: Alloc): void {
    if (alloc.clientTerminal()) return;
    this.update(alloc, () => {
      for (const name of alloc.taskNames) this.markDead(alloc, name, false);
    });
    this.afterTaskDead(alloc);
  }

  /** Kills the alloc's tasks: the kill signal first, SIGKILL after KillTimeout, then `Killed`. */
  stop(alloc: Alloc): void {
    const mains = this.mains.get(alloc.ID);
    const mainSet = new Set(mains?.values());
    for (const child of this.groups.children(alloc.ID)) if (!mainSet.has(child)) killGroup(child, "SIGKILL");
    if (!mains || mains.size === 0) {
      // Not started yet (or already gone): the start path sees DesiredStatus and completes it.
      if (Object.values(alloc.TaskStates).every((s) => s.State !== "running")) this.finishUnstarted(alloc);
      return;
    }
    this.stopping.add(alloc.ID);
    const g = alloc.group();
    this.update(alloc, () => {
      for (const [name] of mains) {
        const t = g?.Tasks.find((x) => x.Name === name);
        const ts = alloc.TaskStates[name];
        if (!t || !ts) continue;
        const kt = goDuration(t.KillTimeout);
        const sig = killSignalOf(t);
        const verb = sig === "SIGINT" ? "interrupt" : sig === "SIGTERM" ? "terminate" : sig;
        addEvent(
          ts,
          taskEvent(
            "Killing",
            `Sent ${verb}. Waiting ${kt} before force killing`,
            { kill_timeout: kt },
            { KillTimeout: t.KillTimeout },
          ),
        );
      }
    });
    for (const [name, child] of mains) {
      const t = g?.Tasks.find((x) => x.Name === name);
      killGroup(child, killSignalOf(t) as NodeJS.Signals);
      const ms = Math.min((t?.KillTimeout ?? 5e9) / 1e6, this.opts.maxKillTimeoutMs ?? Number.POSITIVE_INFINITY);
      this.later(ms, () => {
        if (child.exitCode === null && child.signalCode === null) killGroup(child, "SIGKILL");
      });
    }
  }

  /** Node went down: processes die at once; the caller records `lost`. */
  kill(allocId: string): void {
    this.stopping.add(allocId);
    this.groups.killAll(allocId);
  }

  /** SIGKILLs every process group and waits for them to exit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.groups.closeAll();
  }
}
