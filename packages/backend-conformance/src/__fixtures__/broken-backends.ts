// Deliberately broken wrappers of the reference backend, each with one realistic bug the suite must catch.
import { EXEC_FILES_BREAKAGES } from "./broken-exec-files.js";
import type { Breakage } from "./broken-helpers.js";
import { LIFECYCLE_BREAKAGES } from "./broken-lifecycle.js";

export type { Breakage };

/** Every breakage the suite-can-fail test runs. */
export const BREAKAGES: Breakage[] = [...LIFECYCLE_BREAKAGES, ...EXEC_FILES_BREAKAGES];
