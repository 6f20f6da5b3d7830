/** @agentkernel/backend-conformance: the published suite every backend passes, and its reference backend. */
export { type CaseContextHandle, type CaseContextOptions, createCaseContext, RUN_LABEL } from "./case-context.js";
export {
  CONFORMANCE_CASE_IDS,
  CONFORMANCE_CASES,
  errorsCases,
  execCases,
  filesCases,
  lifecycleCases,
  logsCases,
} from "./cases/index.js";
export { type CaseContext, type ConformanceCase, unsupportedReason } from "./conformance-case.js";
export { checkError, ConformanceViolationError, isKnownCoreError, withErrorChecks } from "./error-check.js";
export { createReferenceBackend, REFERENCE_BACKEND_ID, type ReferenceBackendOptions } from "./reference-backend.js";
export { type TestBackendOptions, testBackend } from "./test-backend.js";
