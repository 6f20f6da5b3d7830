/** What happens when a task's main process exits: the TaskEvents Nomad records and whether it restarts. */
import { goDuration, taskEvent } from "./task-events.js";
import type { RestartPolicy, TaskEvent } from "./types.js";

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };

/** The facts of one exit. */
export interface TaskExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The client was killing the task (stop, lost). */
  killed: boolean;
  batch: boolean;
  policy: RestartPolicy | undefined;
  restarts: number;
}

/** The events to append and the task's fate. */
export interface ExitOutcome {
  events: TaskEvent[];
  restart: boolean;
  /** Set when the task is dead: whether it failed. */
  failed?: boolean;
}

/**
 * Batch tasks that exit 0 are done; others restart while RestartPolicy.Attempts allow (service tasks whatever their
 * exit code), then fail with Nomad's "Not Restarting" reason. A killed task gets `Terminated` + `Killed`.
 */
export function exitOutcome(e: TaskExit): ExitOutcome {
  const sig = e.signal ? (SIGNALS[e.signal] ?? 0) : 0;
  const exitCode = e.code ?? 128 + sig;
  const terminated = taskEvent(
    "Terminated",
    `Exit Code: ${exitCode}${sig ? `, Signal: ${sig}` : ""}`,
    { exit_code: String(exitCode), signal: String(sig), oom_killed: "false" },
    { ExitCode: exitCode, Signal: sig },
  );
  if (e.killed) return { events: [terminated, taskEvent("Killed", "Task successfully killed")], restart: false, failed: false };
  const p = e.policy;
  if (p && (exitCode !== 0 || !e.batch) && e.restarts < p.Attempts) {
    const reason = "Restart within policy";
    const restarting = taskEvent(
      "Restarting",
      `Task restarting in ${goDuration(p.Delay)}`,
      { restart_reason: reason },
      { RestartReason: reason },
    );
    return { events: [terminated, restarting], restart: true };
  }
  if (exitCode === 0 && e.batch) return { events: [terminated], restart: false, failed: false };
  const msg =
    p && p.Attempts > 0
      ? `Exceeded allowed attempts ${p.Attempts} in interval ${goDuration(p.Interval)} and mode is "${p.Mode}"`
      : "Policy allows no restarts";
  const notRestarting = taskEvent(
    "Not Restarting",
    msg,
    { fails_task: "true", restart_reason: msg },
    { FailsTask: true, RestartReason: msg },
  );
  return { events: [terminated, notRestarting], restart: false, failed: true };
}
