/** Runs the BUILT `agentkernel` binary (packages/cli/bin/run.js) as a child with a temp HOME/XDG env and captured output. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
/** The CLI package root, found through the workspace dependency. */
const CLI_ROOT = dirname(require.resolve("@agentkernel/cli/package.json"));
export const CLI_BIN = join(CLI_ROOT, "bin", "run.js");

/** Throws with the build command when the CLI's dist/ is missing (pnpm test builds first). */
export function assertCliBuilt(): void {
  if (!existsSync(join(CLI_ROOT, "dist", "commands"))) {
    throw new Error(`the CLI is not built (${CLI_ROOT}/dist is missing); run \`pnpm turbo run build\` or \`pnpm test\``);
  }
}

/** What one run produced. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** An env for the CLI rooted at `home` (no user config, no real HOME), plus `extra`. */
export function cliEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    HOME: home,
    PATH: process.env.PATH,
    XDG_CONFIG_HOME: join(home, "config"),
    XDG_STATE_HOME: join(home, "state"),
    AGENTKERNEL_STATE_DIR: join(home, "local-state"),
    ...extra,
  };
}

/** Starts the CLI; `done` settles with its result. `onStart` sees the child (e.g. to SIGKILL it mid-create). */
export function startCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number },
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => out.push(c));
  child.stderr?.on("data", (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") });
    });
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; input?: string; timeoutMs?: number }) {
  return startCli(args, options).done;
}
