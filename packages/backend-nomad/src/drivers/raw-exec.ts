/** The raw_exec driver: NO isolation at all; allowed only when the operator opts in explicitly. */
import { z } from "zod";
import type { TaskConfig, TaskConfigContext } from "./driver.js";

/** Printed (through `onWarning`) whenever a raw_exec backend is created. */
export const RAW_EXEC_WARNING =
  "raw_exec runs sandboxes as host processes with NO filesystem, user or process isolation (usually as root); use it only for trusted code in development";

/** Options for `driver: "raw_exec"`; `allowUnisolated: true` is the explicit opt-in. */
export const rawExecDriverSchema = z
  .object({
    driver: z.literal("raw_exec"),
    allowUnisolated: z.literal(true, {
      error: 'raw_exec has no isolation; set allowUnisolated: true to use it anyway, or use "docker"/"exec"',
    }),
  })
  .strict();

/** Options for the raw_exec driver. */
export type RawExecDriverOptions = z.infer<typeof rawExecDriverSchema>;

/** raw_exec task config: just the command (cap_drop and friends do not exist for it). */
export function rawExecTaskConfig(_options: RawExecDriverOptions, ctx: TaskConfigContext): TaskConfig {
  const [command, ...args] = ctx.mainCommand;
  return { command, args };
}
