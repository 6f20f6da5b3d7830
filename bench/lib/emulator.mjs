// Starts the emulator in a child process (see emulator-child.mjs) and talks to it over IPC.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./emulator-child.mjs", import.meta.url));

/**
 * Starts an emulator child. Resolves with { address, stats(), resetStats(), inject(fault), stop() }.
 * @param {object} options startEmulator options (JSON-serialisable)
 */
export async function startEmulatorChild(options = {}) {
  const child = fork(CHILD, [JSON.stringify(options)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const pending = new Map();
  let nextId = 1;
  const address = await new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`emulator child exited with ${code} before it was ready`));
    child.once("exit", onExit);
    child.on("message", (msg) => {
      if (msg.ready) {
        child.off("exit", onExit);
        resolve(msg.ready);
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
    });
  });
  const call = (op, arg) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, arg });
    });
  return {
    address,
    pid: child.pid,
    stats: () => call("stats"),
    resetStats: () => call("resetStats"),
    inject: (fault) => call("inject", fault),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      await Promise.race([call("stop"), new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** Sum of emulator request counts, split into API and exec-WebSocket requests. */
export function countRequests(stats) {
  let api = 0;
  let execWs = 0;
  const byRoute = {};
  for (const [route, n] of Object.entries(stats.requests)) {
    if (n === 0) continue;
    byRoute[route] = n;
    if (/exec/.test(route) && /client\/allocation/.test(route)) execWs += n;
    else api += n;
  }
  return { api, execWs, byRoute };
}
