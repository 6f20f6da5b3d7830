/** The exec endpoint's validation chain, in Nomad's order, with its close codes and reason texts (REFERENCE §5). */
import { TERMINAL_CLIENT } from "./alloc.js";
import type { DriverName, EmulatorAlloc, EmulatorContext } from "./emulator-context.js";

/** WebSocket close codes Nomad maps errors to (toWsCode: 500 → 1011, everything else → 1008). */
export const WS_POLICY_VIOLATION = 1008;
export const WS_INTERNAL_ERROR = 1011;

/** Either a session may start, or it ends with this close frame. */
export type ExecValidation = { ok: true; alloc: EmulatorAlloc; driver: DriverName } | { ok: false; code: number; reason: string };

function fail(code: number, reason: string): ExecValidation {
  return { ok: false, code, reason };
}

/**
 * alloc → terminal status (server side) → ACL `alloc-exec` → task given → command given → alloc known on the
 * client → task in the alloc → `alloc-node-exec` when the driver has no FS isolation (raw_exec) → task started
 * and running. ACL denials carry no HTTP code in Nomad, so they become 500 and hence 1011.
 */
export function validateExec(
  ctx: EmulatorContext,
  allocId: string,
  token: string | undefined,
  task: string,
  command: string[],
): ExecValidation {
  const alloc = ctx.findAlloc(allocId);
  if (!alloc) return fail(WS_POLICY_VIOLATION, `Unknown allocation ${JSON.stringify(allocId)}`);
  if (TERMINAL_CLIENT.has(alloc.ClientStatus)) {
    return fail(WS_POLICY_VIOLATION, `exec not possible, client status of allocation ${alloc.ID} is ${alloc.ClientStatus}`);
  }
  if (ctx.authorize(token, alloc.Namespace, "alloc-exec") !== "allowed") return fail(WS_INTERNAL_ERROR, "Permission denied");
  if (task === "") return fail(WS_POLICY_VIOLATION, "must provide task name");
  if (command.length === 0) return fail(WS_POLICY_VIOLATION, "command is not present");
  if (alloc.gcd) return fail(WS_POLICY_VIOLATION, `Unknown allocation ${JSON.stringify(alloc.ID)}`);
  const driver = alloc.taskNames.includes(task) ? alloc.driverOf(task) : undefined;
  if (!driver) return fail(WS_POLICY_VIOLATION, `unknown task name ${JSON.stringify(task)}`);
  if (driver === "raw_exec" && ctx.authorize(token, alloc.Namespace, "alloc-node-exec") !== "allowed") {
    return fail(WS_INTERNAL_ERROR, "Permission denied");
  }
  const state = alloc.TaskStates[task];
  if (!state) return fail(WS_POLICY_VIOLATION, `unknown task name ${JSON.stringify(task)}`);
  if (!state.StartedAt) return fail(WS_POLICY_VIOLATION, `task ${JSON.stringify(task)} not started yet.`);
  if (state.State !== "running") return fail(WS_POLICY_VIOLATION, `task ${JSON.stringify(task)} is not running.`);
  return { ok: true, alloc, driver };
}
