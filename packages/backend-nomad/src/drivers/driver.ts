/** What every driver module provides: the inputs a driver's `toTaskConfig()` receives. */
import type { ProfileHardening } from "../profiles.js";

/** Everything a driver needs to render its task `Config` (snake_case keys, Nomad's HCL names). */
export interface TaskConfigContext {
  /** Image reference (docker only; other drivers record it in Meta). */
  image: string;
  /** The sandbox's main process argv, e.g. ["sleep", "infinity"]. */
  mainCommand: readonly [string, ...string[]];
  network: boolean;
  readOnlyRoot: boolean;
  hardening: ProfileHardening;
}

/** A task `Config` map exactly as it goes into the job JSON. */
export type TaskConfig = Record<string, unknown>;
