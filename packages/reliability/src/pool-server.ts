/** Starts __fixtures__/pool-server.mjs (a real server process with a warm pool) and stops it by its pid. */
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const FIXTURE = fileURLToPath(new URL("./__fixtures__/pool-server.mjs", import.meta.url));

/** A running server child: its URL, its captured stdout+stderr (JSON log lines), and stop(). */
export interface PoolServer {
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Options passed to the fixture (see pool-server.mjs). */
export interface PoolServerOptions {
  nomadAddr: string;
  apiKey?: string;
  target?: number;
  max?: number;
  upkeepMs?: number;
}

/** Forks a server child with `env` (e.g. NOMAD_TOKEN) and waits for its URL. */
export async function startPoolServer(options: PoolServerOptions, env: NodeJS.ProcessEnv = {}): Promise<PoolServer> {
  const { apiKey, ...rest } = options;
  // The key travels in the environment, never in argv (R5 scans /proc/*/cmdline).
  const child = fork(FIXTURE, [JSON.stringify(rest)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(apiKey ? { AGENTKERNEL_API_KEY: apiKey } : {}), ...env },
    // Not vitest's flags (its `source` condition would load .ts files): the child runs the built packages.
    execArgv: [],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => chunks.push(c));
  child.stderr?.on("data", (c: Buffer) => chunks.push(c));
  const output = () => Buffer.concat(chunks).toString("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server child did not listen in 60 s:\n${output()}`)), 60_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server child exited with ${code} before listening:\n${output()}`));
    });
    child.on("message", (m: { url?: string }) => {
      if (m.url) {
        clearTimeout(timer);
        resolve(m.url);
      }
    });
  });
  return {
    url,
    child,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
