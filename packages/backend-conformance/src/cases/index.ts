/** The full case list, in run order; `errors/all-core` is last so it sees every error of the run. */
import type { ConformanceCase } from "../conformance-case.js";
import { errorsCases } from "./errors.js";
import { execCases } from "./exec.js";
import { filesCases } from "./files.js";
import { lifecycleCases } from "./lifecycle.js";
import { logsCases } from "./logs.js";

export { errorsCases, execCases, filesCases, lifecycleCases, logsCases };

/** Every case testBackend registers, by id ("lifecycle/create", "exec/tty", …). */
export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  ...lifecycleCases,
  ...execCases,
  ...filesCases,
  ...logsCases,
  ...errorsCases,
];

/** Every case id, for `skip[].tests` and docs. */
export const CONFORMANCE_CASE_IDS: readonly string[] = CONFORMANCE_CASES.map((c) => c.id);
