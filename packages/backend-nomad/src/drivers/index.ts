/** The driver union: one schema per driver joined on `driver`, and dispatch to its `toTaskConfig()`. */
import { z } from "zod";
import { dockerDriverSchema, dockerTaskConfig } from "./docker.js";
import type { TaskConfig, TaskConfigContext } from "./driver.js";
import { execDriverSchema, execTaskConfig } from "./exec.js";
import { rawExecDriverSchema, rawExecTaskConfig } from "./raw-exec.js";

export { type DockerDriverOptions, dockerDriverSchema, dockerTaskConfig } from "./docker.js";
export type { TaskConfig, TaskConfigContext } from "./driver.js";
export { type ExecDriverOptions, execDriverSchema, execTaskConfig } from "./exec.js";
export { RAW_EXEC_WARNING, type RawExecDriverOptions, rawExecDriverSchema, rawExecTaskConfig } from "./raw-exec.js";

/** Any driver's options, discriminated on `driver`. */
export const driverOptionsSchema = z.discriminatedUnion("driver", [dockerDriverSchema, execDriverSchema, rawExecDriverSchema]);

/** Options of one of the supported drivers. */
export type DriverOptions = z.infer<typeof driverOptionsSchema>;

/** Renders the task `Config` of whichever driver `options` selects. */
export function toTaskConfig(options: DriverOptions, ctx: TaskConfigContext): TaskConfig {
  switch (options.driver) {
    case "docker":
      return dockerTaskConfig(options, ctx);
    case "exec":
      return execTaskConfig(options, ctx);
    case "raw_exec":
      return rawExecTaskConfig(options, ctx);
  }
}
