/** exec: runs argv in a sandbox with stdin piped through, stdout/stderr streamed apart, and the remote exit code returned. */
import type { Readable, Writable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import { type Backend, type ExecRequest, InvalidInputError, type TtySize, validateExecRequest } from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { parseDuration, parseEnvFlags } from "./parse-input.js";
import { EXIT } from "./exit-codes.js";
import { copyInto, OutputClosedError } from "./stream-io.js";

/** The terminal side of an exec: where bytes come from and go to. */
export interface ExecIo {
  /** Piped to the remote command when given; absent means the remote stdin is closed at once. */
  stdin?: Readable | undefined;
  stdout: Writable;
  stderr: Writable;
  /** Allocate a remote terminal of this size (stderr then merges into stdout). */
  tty?: TtySize | undefined;
  /** Subscribes to local terminal resizes; returns the unsubscribe function. */
  onResize?: ((listener: (size: TtySize) => void) => () => void) | undefined;
}

/** What `exec` was given. */
export interface ExecInput {
  name: string;
  command: string[];
  /** `K=V` strings. */
  env?: string[] | undefined;
  workdir?: string | undefined;
  /** A duration such as `30s`. */
  timeout?: string | undefined;
}

/** Turns flags into a validated ExecRequest (without the I/O parts). */
export function buildExecRequest(input: Omit<ExecInput, "name">): ExecRequest {
  if (input.command.length === 0) {
    throw new InvalidInputError("no command given; put it after --, e.g. agentkernel exec my-sandbox -- echo hi");
  }
  const env = parseEnvFlags(input.env);
  return validateExecRequest({
    command: input.command,
    ...(Object.keys(env).length > 0 ? { env } : {}),
    ...(input.workdir !== undefined ? { cwd: input.workdir } : {}),
    ...(input.timeout !== undefined ? { timeoutMs: parseDuration(input.timeout, "timeout") } : {}),
  });
}

/** Runs `request` in `name` on `backend` wired to `io`; resolves with the remote exit code (128+N after signal N). */
export async function runExec(
  backend: Backend,
  name: string,
  request: ExecRequest,
  io: ExecIo,
  signal?: AbortSignal,
): Promise<number> {
  const session = await backend.exec(name, {
    ...request,
    ...(io.stdin ? { stdin: "pipe" as const } : {}),
    ...(io.tty ? { tty: io.tty } : {}),
    ...(signal ? { signal } : {}),
  });
  const unsubscribe = io.onResize?.((size) => session.resize(size));
  const input = io.stdin;
  if (input && session.stdin) {
    // The remote side may close stdin before we are done writing (e.g. `head -1`): that is not an error here.
    session.stdin.on("error", () => undefined);
    input.pipe(session.stdin);
  }
  try {
    const [exit] = await Promise.all([session.exit, copyInto(session.stdout, io.stdout), copyInto(session.stderr, io.stderr)]);
    return exit.exitCode;
  } catch (error) {
    if (!(error instanceof OutputClosedError)) throw error;
    // Our reader is gone (`| head -1`): end the remote command as SIGPIPE would end a local one.
    session.kill();
    await Promise.race([session.exit.catch(() => undefined), delay(5_000)]);
    return EXIT.outputClosed;
  } finally {
    unsubscribe?.();
    if (input) {
      input.unpipe();
      input.pause();
    }
  }
}

/** `agentkernel exec`: resolves the sandbox's backend (hint, else provider) and runs the command. */
export async function execInSandbox(ctx: CliContext, input: ExecInput, io: ExecIo): Promise<number> {
  const request = buildExecRequest(input);
  const { backend } = await ctx.backendFor(input.name);
  try {
    return await runExec(backend, input.name, request, io, ctx.signal);
  } catch (error) {
    await ctx.forgetIfMissing(input.name, error);
    throw error;
  }
}
