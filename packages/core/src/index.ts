/** @agentkernel/core: the backend contract, sandbox types, errors with stable codes, config schema and loader. */
export * from "./backend.js";
export * from "./capabilities.js";
export * from "./config/index.js";
export * from "./errors/index.js";
export * from "./exec.js";
export * from "./names.js";
export * from "./pty-helper.js";
export * from "./sandbox.js";
export * from "./warm-pool.js";
