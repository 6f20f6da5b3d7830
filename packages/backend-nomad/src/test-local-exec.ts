// Test transport: a NomadExecStream over a real local process (no WebSocket), to drive the exec/files adapters without Nomad.
import { spawn } from "node:child_process";
import { constants } from "node:os";
import type { NomadExecStream } from "./client/index.js";

/** Spawns `argv` as a real process (own process group) and exposes it as a NomadExecStream. */
export function spawnLocalExec(argv: string[], env: Record<string, string>): Promise<NomadExecStream> {
  const child = spawn(argv[0] ?? "true", argv.slice(1), {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    detached: true,
    stdio: ["pipe", "pipe", "pipe"],
  });
  child.stdin.on("error", () => undefined);
  const exitCode = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
  exitCode.catch(() => undefined);
  return Promise.resolve({
    stdout: child.stdout,
    stderr: child.stderr,
    writeStdin: (data) =>
      new Promise<void>((resolve, reject) => {
        child.stdin.write(data, (err) => (err ? reject(err) : resolve()));
      }),
    closeStdin: () => {
      child.stdin.end();
    },
    resize: () => undefined,
    exitCode,
    close: () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    },
  });
}
