/** @agentkernel/cli: the `agentkernel` command. The services are exported for tests and for other front ends (the server). */
export { BaseCommand, type CommandArgs, type CommandFlags } from "./base-command.js";
export { CliContext, type CliContextOptions } from "./services/cli-context.js";
export { EXIT, EXIT_CODE_BY_ERROR, errorCodeOf, exitCodeFor } from "./services/exit-codes.js";
export { type ErrorReport, errorJson, formatErrorLine, reportError, scrubSecrets } from "./services/error-report.js";
export {
  type CreateInput,
  createSandbox,
  listSandboxes,
  removeSandbox,
  sandboxStatus,
  startSandbox,
  stopSandbox,
} from "./services/lifecycle.js";
export { type ExecInput, type ExecIo, execInSandbox } from "./services/exec.js";
export { type RunInput, type RunResult, runOnce } from "./services/run.js";
export { copyFiles, parseCpOperand } from "./services/cp.js";
export { streamLogs } from "./services/logs.js";
export { poolStatus } from "./services/pool.js";
export { type DoctorResult, runDoctor } from "./services/doctor.js";
export { showConfig, validateConfig } from "./services/config.js";
export { parseDuration, parseEnvFlags, parseLabelFlags } from "./services/parse-input.js";
export { hintDir, SandboxHints } from "./services/sandbox-hints.js";
