/** The exec driver: option schema and task `Config` (host-derived chroot, namespaces, cgroups). */
import { z } from "zod";
import type { TaskConfig, TaskConfigContext } from "./driver.js";

/** Options for `driver: "exec"`. The image is not used: the chroot is built from host directories. */
export const execDriverSchema = z
  .object({
    driver: z.literal("exec"),
    /** Absolute path of `sleep` inside the chroot (the host's /bin is copied in). */
    sleepPath: z.string().startsWith("/").optional(),
  })
  .strict();

/** Options for the exec driver. */
export type ExecDriverOptions = z.infer<typeof execDriverSchema>;

/** exec task config; network isolation comes from the group network mode, not from here. */
export function execTaskConfig(options: ExecDriverOptions, ctx: TaskConfigContext): TaskConfig {
  const [command, ...args] = ctx.mainCommand;
  // exec wants an absolute path (or one relative to the task dir); `sleep` alone would not resolve.
  const resolved = command === "sleep" ? (options.sleepPath ?? "/bin/sleep") : command;
  const config: TaskConfig = { command: resolved, args, pid_mode: "private", ipc_mode: "private" };
  if (ctx.hardening.capDropAll) config.cap_drop = ["ALL"];
  return config;
}
