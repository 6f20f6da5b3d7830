/** The docker driver: option schema and the hardened task `Config` for a sandbox container. */
import { z } from "zod";
import type { TaskConfig, TaskConfigContext } from "./driver.js";

/** Options for `driver: "docker"` (the default). */
export const dockerDriverSchema = z
  .object({
    driver: z.literal("docker"),
    /** OCI runtime such as `runsc` (gVisor); must be in the client's `allow_runtimes`. */
    runtime: z.string().min(1).optional(),
    /** Overrides the profile's `pids_limit` (must be ≤ the client plugin's `pids_limit`). */
    pidsLimit: z.number().int().positive().optional(),
    /** Run a tiny init as PID 1 so `sleep` reacts to the stop signal instead of waiting for KillTimeout. */
    init: z.boolean().optional(),
    /**
     * How `network: false` is enforced: "task" (default) = `network_mode = "none"` on the container;
     * "group" = group network mode "none" (needs the client's pause `infra_image`), `network_mode` unset.
     */
    networkIsolation: z.enum(["task", "group"]).optional(),
  })
  .strict();

/** Options for the docker driver. */
export type DockerDriverOptions = z.infer<typeof dockerDriverSchema>;

/**
 * Docker task config. `privileged` is always false; network off is the task's own `network_mode = "none"`
 * with no group Networks block (TASK-DRIVERS.md §2.1: leave `network_mode` unset when a group network is
 * used, and the task-level mode avoids needing the pause image), so the group stays without Networks.
 */
export function dockerTaskConfig(options: DockerDriverOptions, ctx: TaskConfigContext): TaskConfig {
  const [command, ...args] = ctx.mainCommand;
  const config: TaskConfig = {
    image: ctx.image,
    command,
    args,
    init: options.init ?? true,
    privileged: false,
    readonly_rootfs: ctx.readOnlyRoot,
  };
  if (ctx.hardening.capDropAll) config.cap_drop = ["ALL"];
  if (ctx.hardening.noNewPrivileges) config.security_opt = ["no-new-privileges"];
  const pidsLimit = options.pidsLimit ?? ctx.hardening.pidsLimit;
  if (pidsLimit !== undefined) config.pids_limit = pidsLimit;
  if (!ctx.network && options.networkIsolation !== "group") config.network_mode = "none";
  if (options.runtime !== undefined) config.runtime = options.runtime;
  return config;
}
