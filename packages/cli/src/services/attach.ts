/** attach: an interactive shell in a sandbox over a remote terminal (raw mode locally, resized on SIGWINCH). */
import type { ReadStream, WriteStream } from "node:tty";
import { CapabilityUnsupportedError, InvalidInputError, validateSandboxName } from "@agentkernel/core";
import type { CliContext } from "./cli-context.js";
import { copyInto } from "./stream-io.js";
import { terminalSize } from "./terminal.js";

/** The local terminal. */
export interface Terminal {
  stdin: ReadStream;
  stdout: WriteStream;
}

/** Runs a shell in `name` attached to `terminal`; resolves with the shell's exit code. */
export async function attachShell(ctx: CliContext, name: string, shell: string, terminal: Terminal): Promise<number> {
  validateSandboxName(name);
  if (!terminal.stdin.isTTY || !terminal.stdout.isTTY) {
    throw new InvalidInputError("attach needs a terminal on stdin and stdout; for pipes use: agentkernel exec -i NAME -- CMD");
  }
  const { id, backend } = await ctx.backendFor(name);
  if (!backend.attach || !backend.capabilities.attach) {
    throw new CapabilityUnsupportedError(`attach (the ${id} backend has no interactive terminal; use exec -i)`, { backend: id });
  }
  const size = () => terminalSize(terminal.stdout);
  const session = await backend.attach(name, { shell, size: size(), ...ctx.operationOptions });
  const onResize = () => session.resize(size());
  terminal.stdout.on("resize", onResize);
  process.on("SIGWINCH", onResize);
  // Raw mode: every key (Ctrl-C included) goes to the remote shell, which owns the line discipline.
  terminal.stdin.setRawMode(true);
  terminal.stdin.resume();
  if (session.stdin) {
    session.stdin.on("error", () => undefined);
    terminal.stdin.pipe(session.stdin);
  }
  try {
    const [exit] = await Promise.all([
      session.exit,
      copyInto(session.stdout, terminal.stdout),
      copyInto(session.stderr, terminal.stdout),
    ]);
    return exit.exitCode;
  } finally {
    terminal.stdin.unpipe();
    terminal.stdin.setRawMode(false);
    terminal.stdin.pause();
    terminal.stdout.off("resize", onResize);
    process.off("SIGWINCH", onResize);
  }
}
