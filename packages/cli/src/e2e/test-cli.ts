// Test helper: runs the BUILT `agentkernel` binary as a child process with a controlled env, stdin and cwd.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** packages/cli/bin/run.js. */
export const BIN = fileURLToPath(new URL("../../bin/run.js", import.meta.url));
const DIST = fileURLToPath(new URL("../../dist/commands", import.meta.url));

/** Fails with the command to run when dist/ is missing (pnpm test builds first; a bare vitest run does not). */
export function assertBuilt(): void {
  if (!existsSync(DIST)) {
    throw new Error(
      `the CLI is not built (${DIST} is missing); run \`pnpm --filter @agentkernel/cli... build\` or \`pnpm test\``,
    );
  }
}

/** What a CLI run produced. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as UTF-8. */
  out: string;
}

/** Options of one run. */
export interface CliOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Bytes for stdin (then EOF). Absent: stdin is /dev/null. */
  input?: Buffer | string;
  /** Called with each stdout chunk and the child, e.g. to send SIGINT once output appears. */
  onStdout?: (chunk: Buffer, child: ReturnType<typeof spawn>) => void;
  timeoutMs?: number;
}

/** Runs `agentkernel ...args` to completion. */
export function cli(args: string[], options: CliOptions): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
    child.stdout?.on("data", (c: Buffer) => {
      out.push(c);
      options.onStdout?.(c, child);
    });
    child.stderr?.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, signal, stdout, out: stdout.toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
