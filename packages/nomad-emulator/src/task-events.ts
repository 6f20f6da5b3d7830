/** TaskEvent and TaskState constructors with all the fields (legacy flat ones included) Nomad sends. */
import { nowNs } from "./ids.js";
import type { TaskEvent, TaskState } from "./types.js";

/** A TaskEvent of `type`; Nomad keeps the last 10 per task. */
export function taskEvent(
  type: string,
  display: string,
  details: Record<string, string> = {},
  extra: Partial<TaskEvent> = {},
): TaskEvent {
  return {
    Type: type,
    Time: nowNs(),
    DisplayMessage: display,
    Message: "",
    Details: details,
    FailsTask: false,
    ExitCode: 0,
    Signal: 0,
    DriverError: "",
    SetupError: "",
    KillReason: "",
    RestartReason: "",
    KillTimeout: 0,
    ...extra,
  };
}

/** A fresh pending TaskState carrying the `Received` event. */
export function pendingTaskState(): TaskState {
  return {
    State: "pending",
    Failed: false,
    Restarts: 0,
    LastRestart: null,
    StartedAt: null,
    FinishedAt: null,
    TaskHandle: null,
    Events: [taskEvent("Received", "Task received by client")],
  };
}

/** Appends an event, keeping only the last 10 as Nomad does. */
export function addEvent(ts: TaskState, e: TaskEvent): void {
  ts.Events.push(e);
  if (ts.Events.length > 10) ts.Events.splice(0, ts.Events.length - 10);
}

/** Go's time.Duration String for whole-ish values ("5s", "1m30s", "250ms"). */
export function goDuration(ns: number): string {
  if (ns === 0) return "0s";
  const ms = ns / 1e6;
  if (ms < 1000) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ""}${h || m ? `${m}m` : ""}${Number(s.toFixed(3))}s`;
}
