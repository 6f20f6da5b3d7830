/** Adapts a Nomad exec WebSocket stream to the core ExecSession: wrapper argv, stdin feeding, timeout, abort, kill. */
import { PassThrough, Readable, Writable } from "node:stream";
import {
  AbortedError,
  AgentkernelError,
  CapabilityUnsupportedError,
  type ExecExit,
  type ExecRequest,
  type ExecSession,
  InternalError,
  TimeoutError,
  validateEnv,
  validateExecRequest,
  validateSandboxPath,
} from "@agentkernel/core";
import type { NomadExecStream } from "./client/index.js";
import { type EnvMode, encodeEnvHeader, envFileCommand, killCommand, newExecId, wrapCommand } from "./exec-wrapper.js";

/** Exit codes `timeout` reports for a command it ended (TERM → 124; after `-k`, 128+KILL; 128+TERM if passed through). */
const TIMEOUT_CODES = new Set([124, 137, 143]);
/** How long after `timeoutMs` the client-side timer gives the in-sandbox `timeout` before closing the socket. */
const TIMEOUT_GRACE_MS = 4_000;
/** How far ahead of our clock the in-sandbox `timeout` may fire (it starts before the socket is handed to us). */
const TIMEOUT_LEAD_MS = 1_000;

/** The sandbox-side operations an exec session needs, provided by the backend. */
export interface ExecTransport {
  /** Opens an exec WebSocket running `command` in the sandbox's task. */
  start(command: string[], tty: boolean): Promise<NomadExecStream>;
  /** Writes the "f"-mode env file for session `id` (tty sessions only). */
  writeEnvFile(id: string, header: Buffer): Promise<void>;
  /** Ends session `id`'s command through a second exec (best effort, never throws). */
  kill(id: string): Promise<void>;
  /** Error translation for anything the client throws. */
  toCoreError(err: unknown): AgentkernelError;
}

/** Runs a helper exec to its end, feeding `stdin`; output is discarded. */
async function runToEnd(stream: NomadExecStream, stdin?: Uint8Array): Promise<number> {
  stream.stdout.resume();
  stream.stderr.resume();
  if (stdin) await stream.writeStdin(stdin);
  stream.closeStdin();
  return stream.exitCode;
}

/** The ExecTransport of one allocation: env-file writer and killer run as helper execs through `start`. */
export function execTransport(
  start: ExecTransport["start"],
  where: string,
  toCoreError: ExecTransport["toCoreError"],
): ExecTransport {
  return {
    start,
    writeEnvFile: async (id, header) => {
      const code = await runToEnd(await start(envFileCommand(id), false), header);
      if (code !== 0) throw new InternalError(`could not hand the env to ${where} (exit ${code})`, { backend: "nomad" });
    },
    kill: async (id) => {
      await runToEnd(await start(killCommand(id), false));
    },
    toCoreError,
  };
}

/** Feeds `data` to the remote stdin and sends EOF; stops quietly if the socket is gone. */
async function feedStdin(stream: NomadExecStream, data: Uint8Array | string | Readable): Promise<void> {
  try {
    if (data instanceof Readable) {
      for await (const chunk of data) {
        await stream.writeStdin(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Uint8Array));
      }
    } else {
      const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      if (bytes.byteLength > 0) await stream.writeStdin(bytes);
    }
  } catch {
    // The session's exit promise reports the real failure (interrupted socket, timeout, abort).
  } finally {
    stream.closeStdin();
  }
}

/** `stdin: "pipe"`: a Writable whose callbacks wait for the socket, so a fast writer is held back. */
function pipeStdin(stream: NomadExecStream, ready: Promise<void>): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      ready.then(() => stream.writeStdin(chunk)).then(() => cb(), cb);
    },
    final(cb) {
      ready.then(() => {
        stream.closeStdin();
        cb();
      }, cb);
    },
  });
}

/**
 * Starts `request` and returns a core ExecSession. Env values travel base64-encoded on stdin (or, for a
 * tty, in a 0600 file written by a separate exec) — never in argv. A timeout runs inside the sandbox
 * (`timeout`, so the command ends even if this process dies); abort, kill() and the tty timeout run a
 * second exec that TERMs then KILLs the command's process tree, and close the socket.
 */
export async function startExecSession(transport: ExecTransport, request: ExecRequest, where: string): Promise<ExecSession> {
  validateExecRequest(request);
  if (request.user !== undefined) {
    // Nomad's exec API has no user parameter: the command runs as the task's user.
    throw new CapabilityUnsupportedError("ExecRequest.user (Nomad exec runs as the task's user)", { backend: "nomad" });
  }
  const env = validateEnv(request.env);
  const cwd = request.cwd === undefined ? undefined : validateSandboxPath(request.cwd, "cwd");
  const tty = request.tty !== undefined && request.tty !== false;
  const size = typeof request.tty === "object" ? request.tty : { rows: 24, cols: 80 };
  if (request.signal?.aborted) throw new AbortedError(`exec in ${where}: aborted before it started`, { backend: "nomad" });

  const id = newExecId();
  const hasEnv = Object.keys(env).length > 0;
  const mode: EnvMode = !hasEnv ? "n" : tty ? "f" : "h";
  if (mode === "f") await transport.writeEnvFile(id, encodeEnvHeader(env));
  const command = wrapCommand({ id, mode, cwd, timeoutMs: tty ? undefined : request.timeoutMs, command: request.command });
  let stream: NomadExecStream;
  try {
    stream = await transport.start(command, tty);
  } catch (err) {
    throw transport.toCoreError(err);
  }
  if (tty) stream.resize(size.rows, size.cols);

  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const forward = (from: Readable, to: PassThrough) => {
    from.pipe(to);
    from.on("error", () => to.end());
  };
  forward(stream.stdout, stdout);
  forward(stream.stderr, stderr);

  const header = mode === "h" ? stream.writeStdin(encodeEnvHeader(env)) : Promise.resolve();
  let stdin: Writable | null = null;
  if (request.stdin === "pipe") stdin = pipeStdin(stream, header);
  else
    void header.then(
      () => feedStdin(stream, request.stdin === undefined ? "" : request.stdin),
      () => undefined,
    );

  const startedAt = Date.now();
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let settle: { resolve: (exit: ExecExit) => void; reject: (err: AgentkernelError) => void } | undefined;
  const exit = new Promise<ExecExit>((resolve, reject) => {
    settle = { resolve, reject };
  });
  exit.catch(() => {});
  const finish = (outcome: ExecExit | AgentkernelError) => {
    if (settled || !settle) return;
    settled = true;
    if (timer) clearTimeout(timer);
    request.signal?.removeEventListener("abort", onAbort);
    if (AgentkernelError.isInstance(outcome)) settle.reject(outcome);
    else settle.resolve(outcome);
  };
  // Ends the session from our side: the remote command is killed, the socket closed, the streams ended.
  const end = (err: AgentkernelError) => {
    if (settled) return;
    finish(err);
    void transport.kill(id).catch(() => undefined);
    stream.close();
    for (const [from, to] of [
      [stream.stdout, stdout],
      [stream.stderr, stderr],
    ] as const) {
      from.unpipe(to);
      to.end();
    }
    stdin?.destroy();
  };
  const onAbort = () =>
    end(new AbortedError(`exec in ${where}: aborted by the caller; the command was ended`, { backend: "nomad" }));
  request.signal?.addEventListener("abort", onAbort, { once: true });
  // An abort that arrived while the socket was opening fired no listener: honour it now.
  if (request.signal?.aborted) onAbort();
  const timeoutMs = request.timeoutMs;
  if (timeoutMs !== undefined) {
    timer = setTimeout(
      () => end(new TimeoutError(`exec in ${where}: ran past ${timeoutMs} ms; the command was ended`, { backend: "nomad" })),
      timeoutMs + (tty ? 0 : TIMEOUT_GRACE_MS),
    );
  }
  stream.exitCode.then(
    (exitCode) => {
      // The in-sandbox `timeout` started before our clock did (the socket opened first), so it can fire a little
      // before `timeoutMs` by our measure: allow that lead, up to half the timeout, when classifying its exit code.
      const lead = Math.min(TIMEOUT_LEAD_MS, timeoutMs === undefined ? 0 : timeoutMs / 2);
      const timedOut = timeoutMs !== undefined && TIMEOUT_CODES.has(exitCode) && Date.now() - startedAt >= timeoutMs - lead;
      finish(
        timedOut
          ? new TimeoutError(`exec in ${where}: ran past ${timeoutMs} ms; the command was ended`, { backend: "nomad" })
          : { exitCode },
      );
    },
    (err: unknown) => finish(AgentkernelError.isInstance(err) ? err : new InternalError(String(err), { cause: err })),
  );

  return {
    stdin,
    stdout,
    stderr,
    exit,
    resize: (s) => {
      if (tty) stream.resize(s.rows, s.cols);
    },
    kill: () => end(new AbortedError(`exec in ${where}: ended by kill()`, { backend: "nomad" })),
  };
}
