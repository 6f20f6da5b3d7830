/** One exec session: spawns the command inside the task, relays stdin, streams output, ends like Nomad does. */
import type { ChildProcess } from "node:child_process";
import { constants } from "node:os";
import type { Duplex, Writable } from "node:stream";
import type { RawData, WebSocket } from "ws";
import type { DriverName, EmulatorAlloc, EmulatorContext } from "./emulator-context.js";
import { decodeWsJson, goJsonKind } from "./exec-go-json.js";
import { lookupExecutable } from "./exec-lookup.js";
import { frameChunkSize, OutputPump } from "./exec-output.js";
import { planTtyCommand, resizeLineOf } from "./exec-tty.js";
import { WS_INTERNAL_ERROR, WS_POLICY_VIOLATION } from "./exec-validate.js";
import { killGroup } from "./process-groups.js";
import { hasBwrap, spawnTaskProcess } from "./task-process.js";

/** Everything a validated session needs. */
export interface ExecSessionOptions {
  ctx: EmulatorContext;
  alloc: EmulatorAlloc;
  task: string;
  driver: DriverName;
  argv: string[];
  tty: boolean;
  ws: WebSocket;
  socket: Duplex;
}

/** A source of client frames that may have been buffered while the session was being validated. */
export type FrameSink = (handler: (data: RawData) => void) => void;

/** gorilla cannot send a close frame whose reason exceeds 123 bytes: the socket then just drops (REFERENCE §5). */
export function closeWithError(ws: WebSocket, socket: Duplex, code: number, reason: string): void {
  if (Buffer.byteLength(reason) > 123) socket.destroy();
  else ws.close(code, reason);
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n === undefined ? -1 : 128 + n;
}

/**
 * Runs the session. tty runs the argv on a real pty through core's Python helper (resize lines on fd 3); without
 * python3 in the task's view it falls back to a pipe approximation (see exec-tty.ts and CLIENT-PLANE.md).
 */
export function runExecSession(o: ExecSessionOptions, onFrame: FrameSink): void {
  const { ctx, alloc, task, driver, ws, socket } = o;
  const env = alloc.taskEnv(task);
  const isolation = ctx.isolation ?? (hasBwrap() ? "bwrap" : "none");
  const view = { allocDir: alloc.allocDir, task, isolated: driver !== "raw_exec" && isolation === "bwrap", path: env.PATH ?? "" };
  const startError = lookupExecutable(o.argv[0] ?? "", view);
  if (startError !== undefined) {
    closeWithError(ws, socket, WS_INTERNAL_ERROR, `failed to start command: ${startError}`);
    return;
  }
  // The client may have gone while we validated: start nothing that no one would stop.
  if (ws.readyState !== ws.OPEN) return;
  const plan = planTtyCommand(o.argv, o.tty, view);
  let child: ChildProcess;
  try {
    child = spawnTaskProcess({
      allocDir: alloc.allocDir,
      task,
      driver,
      argv: plan.argv,
      env: o.tty ? { TERM: "xterm", ...env } : env,
      networkNone: alloc.networkNone,
      isolation,
      controlPipe: plan.pty,
    });
  } catch (err) {
    closeWithError(ws, socket, WS_INTERNAL_ERROR, `failed to start command: ${(err as Error).message}`);
    return;
  }
  ctx.trackProcess(alloc.ID, child);
  // The pty helper's fd 3: "rows cols\n" resize lines. EPIPE once the helper is gone is harmless.
  const control = plan.pty ? (child.stdio[3] as Writable | null) : null;
  control?.on("error", () => {});

  let finished = false;
  const end = (): void => {
    finished = true;
    // A leader already reaped may have had its pid reused: only a live leader's group is killed here.
    if (child.exitCode === null && child.signalCode === null) killGroup(child, "SIGKILL");
  };
  const pump = new OutputPump({
    ws,
    socket,
    chunkSize: frameChunkSize(driver),
    tty: o.tty,
    pty: plan.pty,
    cutAfterBytes: ctx.faults.execCutAfterBytes,
    onCut: () => {
      end();
      socket.destroy();
    },
  });

  child.once("error", (err) => {
    if (finished) return;
    end();
    closeWithError(ws, socket, WS_INTERNAL_ERROR, `failed to start command: ${err.message}`);
  });
  const streams: Promise<void>[] = [];
  if (child.stdout) streams.push(pump.attach(child.stdout, "stdout"));
  if (child.stderr) streams.push(pump.attach(child.stderr, "stderr"));
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(exitCodeOf(code, signal))));

  // Both pipes closed and the process reaped: then, and only then, the one `exited` frame.
  void Promise.all([exited, ...streams]).then(([code]) => {
    if (finished) return;
    finished = true;
    pump.send({ exited: true, result: code === 0 ? {} : { exit_code: code } }, () => finishSession(ctx, ws, socket));
  });

  ws.on("close", () => {
    // A session whose socket dropped takes its process group with it.
    if (!finished) end();
  });
  ws.on("error", () => end());

  const stdin = child.stdin;
  stdin?.on("error", () => {
    // The process may exit without reading its input (EPIPE); Nomad ignores that too.
  });
  stdin?.on("drain", () => ws.resume());
  onFrame((raw) => {
    if (finished) return;
    const decoded = decodeWsJson(raw.toString());
    if (!decoded.ok) {
      end();
      closeWithError(ws, socket, WS_POLICY_VIOLATION, decoded.error);
      return;
    }
    const frame = decoded.value ?? {}; // JSON null decodes into the zero message: ignored like a heartbeat
    if (typeof frame !== "object" || Array.isArray(frame)) {
      end();
      const text = `json: cannot unmarshal ${goJsonKind(frame)} into Go value of type drivers.ExecTaskStreamingRequestMsg`;
      closeWithError(ws, socket, WS_POLICY_VIOLATION, text);
      return;
    }
    const f = frame as Record<string, unknown>;
    if (driver === "docker" && f.setup !== undefined) {
      end();
      closeWithError(ws, socket, WS_INTERNAL_ERROR, "unexpected message type");
      return;
    }
    const resize = control?.writable ? resizeLineOf(f) : undefined;
    if (resize !== undefined) control?.write(resize);
    const input = f.stdin as { data?: unknown; close?: unknown } | undefined;
    if (!input || typeof input !== "object" || !stdin || stdin.writableEnded) return; // heartbeat, tty_size, unknown
    // docker's StreamToExecOptions treats a frame with close:true as close-only and drops its data.
    const dropData = driver === "docker" && input.close === true;
    if (typeof input.data === "string" && input.data !== "" && !dropData) {
      if (!stdin.write(Buffer.from(input.data, "base64"))) ws.pause();
    }
    if (input.close === true) stdin.end();
  });
}

/** After `exited`: Nomad drops TCP without a close frame (client sees 1006); the close1000 option sends 1000. */
function finishSession(ctx: EmulatorContext, ws: WebSocket, socket: Duplex): void {
  if (ctx.faults.execEnding === "close1000") {
    ws.close(1000);
    return;
  }
  // end() rather than destroy(): a FIN after the queued frames, so unread client frames cannot turn it into a RST.
  socket.end();
  setTimeout(() => socket.destroy(), 2000).unref();
}
