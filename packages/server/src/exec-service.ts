/** Runs one command through the backend with the edge's validation, the exec slots, deadlines and output caps. */
import type { Backend, ExecRequest, ExecSession } from "@agentkernel/core";
import { collectExec, InvalidInputError, validateEnv, validateExecRequest, validateSandboxPath } from "@agentkernel/core";
import type { Limits } from "./limits.js";
import type { ServerMetrics } from "./metrics.js";
import type { ExecInput, ExecResultView } from "./schemas/exec.js";

/** Command fields as exec, run and batch receive them. */
export type CommandInput = Omit<ExecInput, "user"> & { user?: string | undefined };

/** Validates the command fields and builds the core ExecRequest (argv stays argv). */
export function toExecRequest(input: CommandInput, limits: Limits, signal: AbortSignal): ExecRequest {
  if (input.stdin !== undefined && input.stdin_base64 !== undefined) {
    throw new InvalidInputError("give stdin or stdin_base64, not both");
  }
  if (input.timeout_ms !== undefined && input.timeout_ms > limits.maxExecTimeoutMs) {
    throw new InvalidInputError(`timeout_ms: at most ${limits.maxExecTimeoutMs} ms on this server`);
  }
  const request: ExecRequest = { command: input.command, signal };
  if (input.env !== undefined) request.env = validateEnv(input.env);
  if (input.cwd !== undefined) request.cwd = validateSandboxPath(input.cwd, "cwd");
  if (input.user !== undefined) request.user = input.user;
  if (input.timeout_ms !== undefined) request.timeoutMs = input.timeout_ms;
  if (input.stdin !== undefined) request.stdin = input.stdin;
  if (input.stdin_base64 !== undefined) request.stdin = new Uint8Array(Buffer.from(input.stdin_base64, "base64"));
  return validateExecRequest(request);
}

/** Opens an exec session holding an exec slot until the command exits (the release runs exactly once). */
export function openExec(
  backend: Backend,
  name: string,
  request: ExecRequest,
  limits: Limits,
  metrics: ServerMetrics,
): Promise<ExecSession> {
  return holdingSlot(limits, metrics, request.signal, () => backend.exec(name, request));
}

/** Runs `open` once an exec slot is free and keeps the slot until the session's command exits. */
export async function holdingSlot(
  limits: Limits,
  metrics: ServerMetrics,
  signal: AbortSignal | undefined,
  open: () => Promise<ExecSession>,
): Promise<ExecSession> {
  const release = await limits.execSlots.acquire(signal);
  metrics.execsInFlight.inc();
  const done = () => {
    metrics.execsInFlight.dec();
    release();
  };
  let session: ExecSession;
  try {
    session = await open();
  } catch (error) {
    done();
    throw error;
  }
  session.exit.then(done, done);
  // An abort that lands while the backend is still opening the session can be missed by it (seen with the nomad
  // backend): end the command here so a client that already left never leaves it running.
  if (signal?.aborted) session.kill();
  return session;
}

/** Encodes collected output for the JSON response. */
export function execResultView(
  result: { exitCode: number; stdout: Buffer; stderr: Buffer; truncated: boolean },
  encoding: "utf8" | "base64",
): ExecResultView {
  return {
    exit_code: result.exitCode,
    stdout: result.stdout.toString(encoding),
    stderr: result.stderr.toString(encoding),
    output: Buffer.concat([result.stdout, result.stderr]).toString(encoding),
    ...(result.truncated ? { truncated: true } : {}),
  };
}

/** Runs a command to completion and returns the JSON result. */
export async function execCollect(
  backend: Backend,
  name: string,
  input: CommandInput,
  limits: Limits,
  metrics: ServerMetrics,
  signal: AbortSignal,
): Promise<ExecResultView> {
  const session = await openExec(backend, name, toExecRequest(input, limits, signal), limits, metrics);
  const result = await collectExec(session, limits.maxOutputBytes);
  return execResultView(result, input.output_encoding);
}
